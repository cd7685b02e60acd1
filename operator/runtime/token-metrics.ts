import { Counter, Gauge, type Registry } from 'prom-client';

// Per-token series follow one rule: a token has exactly one label set
// (namespace, name, platform) at a time, and every series of it goes when
// the token goes. The last reading of each token is remembered so that a
// change of platform or readiness reason removes the old series instead of
// leaving it behind, and a deleted token's series are removed by key. Label
// values are names and bounded reasons; a token value or fingerprint is
// never a label.

/** TokenLabels identify one token's series. */
export interface TokenLabels {
  readonly namespace: string;
  readonly name: string;
  readonly platform: string;
}

/** A TokenReading is what one token's series show after a reconcile. */
export interface TokenReading extends TokenLabels {
  readonly ready: boolean;
  /** reason is the Ready condition's reason (PascalCase, from a closed set of decision, problem and error reasons). */
  readonly reason: string;
  /** fingerprint names the current token (never exported): an unknown renewAt is kept only for the same token. */
  readonly fingerprint?: string;
  readonly expiresAt?: Date;
  /** renewAt is when the current token is due for renewal; 'unknown' keeps the last one for the same token. */
  readonly renewAt?: Date | 'unknown';
  /** previousRevokeAt is when the previous token's overlap ends. */
  readonly previousRevokeAt?: Date;
  /** inDoubtSince is when a create that got no answer started, while it is unresolved. */
  readonly inDoubtSince?: Date;
}

type Label = 'namespace' | 'name' | 'platform';

/** ReasonPattern bounds the reason label: a PascalCase word, or Other. */
const ReasonPattern = /^[A-Z][A-Za-z]{0,63}$/;

/**
 * TokenMetrics are the per-token series: readiness with its reason, the
 * expiry, renewal and previous-token revocation times (Unix seconds, like
 * cert-manager's certificate_*_timestamp_seconds), the start of an
 * unresolved in-doubt create, and counters of rotations and revocations by
 * platform and reason.
 */
export class TokenMetrics {
  readonly ready: Gauge<Label | 'reason'>;
  readonly expiry: Gauge<Label>;
  readonly renewal: Gauge<Label>;
  readonly previousRevoke: Gauge<Label>;
  readonly inDoubt: Gauge<Label>;
  readonly rotations: Counter<'platform' | 'reason'>;
  readonly revocations: Counter<'platform' | 'reason'>;
  readonly #last = new Map<string, TokenReading & { readonly renewAt?: Date }>();

  constructor(registers: Registry[]) {
    const labelNames = ['namespace', 'name', 'platform'] as const;
    this.ready = new Gauge({ name: 'sftoken_token_ready_status', help: '1 when the token is Ready, else 0; reason is the Ready condition\'s reason.', labelNames: [...labelNames, 'reason'], registers });
    this.expiry = new Gauge({ name: 'sftoken_token_expiration_timestamp_seconds', help: 'When each token\'s current value expires (Unix seconds).', labelNames, registers });
    this.renewal = new Gauge({ name: 'sftoken_token_renewal_timestamp_seconds', help: 'When each token\'s current value is due for renewal, status.renewAt (Unix seconds).', labelNames, registers });
    this.previousRevoke = new Gauge({ name: 'sftoken_token_previous_revoke_timestamp_seconds', help: 'When the previous token\'s overlap ends and it is revoked (Unix seconds); present while a previous token is kept.', labelNames, registers });
    this.inDoubt = new Gauge({ name: 'sftoken_token_create_in_doubt_timestamp_seconds', help: 'When a create that got no answer started (Unix seconds); present while it is unresolved.', labelNames, registers });
    this.rotations = new Counter({ name: 'sftoken_token_rotations_total', help: 'New tokens issued in place of a current one, by platform and reason (Rotation: scheduled renewal, Requested: rotate now, Leaked: leak response, Changed: spec change, Repair: revoked or expired at the platform, Lost: Secret lost).', labelNames: ['platform', 'reason'], registers });
    this.revocations = new Counter({ name: 'sftoken_token_revocations_total', help: 'Tokens revoked at the platform, by platform and reason (OverlapEnded, Leaked, Repaired, Lost, AtMostTwo, InDoubt, Revoked, Deleted).', labelNames: ['platform', 'reason'], registers });
  }

  /** record sets a token's series from its latest reading and removes any series it no longer has. */
  record(key: string, reading: TokenReading): void {
    const last = this.#last.get(key);
    const renewAt = reading.renewAt === 'unknown' ? (last?.fingerprint === reading.fingerprint ? last?.renewAt : undefined) : reading.renewAt;
    const { renewAt: _asked, ...rest } = reading;
    const next = { ...rest, reason: boundedReason(reading.reason), ...(renewAt === undefined ? {} : { renewAt }) };
    if (last !== undefined && (!sameLabels(last, next) || last.reason !== next.reason)) this.#remove(last);
    const labels = labelsOf(next);
    this.ready.set({ ...labels, reason: next.reason }, next.ready ? 1 : 0);
    setOrRemove(this.expiry, labels, next.expiresAt);
    setOrRemove(this.renewal, labels, renewAt);
    setOrRemove(this.previousRevoke, labels, next.previousRevokeAt);
    setOrRemove(this.inDoubt, labels, next.inDoubtSince);
    this.#last.set(key, next);
  }

  /** forget removes every series of a token that no longer exists. */
  forget(key: string): void {
    const last = this.#last.get(key);
    if (last === undefined) return;
    this.#remove(last);
    this.#last.delete(key);
  }

  /** rotated counts one rotation. */
  rotated(platform: string, reason: string): void {
    this.rotations.inc({ platform, reason: boundedReason(reason) });
  }

  /** revoked counts tokens revoked at the platform. */
  revoked(platform: string, reason: string, count = 1): void {
    if (count > 0) this.revocations.inc({ platform, reason: boundedReason(reason) }, count);
  }

  #remove(reading: TokenReading): void {
    const labels = labelsOf(reading);
    this.ready.remove({ ...labels, reason: reading.reason });
    for (const gauge of [this.expiry, this.renewal, this.previousRevoke, this.inDoubt]) gauge.remove(labels);
  }
}

function labelsOf(t: TokenLabels): TokenLabels {
  return { namespace: t.namespace, name: t.name, platform: t.platform };
}

function sameLabels(a: TokenLabels, b: TokenLabels): boolean {
  return a.namespace === b.namespace && a.name === b.name && a.platform === b.platform;
}

function setOrRemove(gauge: Gauge<Label>, labels: TokenLabels, at: Date | undefined): void {
  if (at === undefined || Number.isNaN(at.getTime())) gauge.remove(labels);
  else gauge.set(labels, at.getTime() / 1000);
}

/** boundedReason keeps a label value from a closed vocabulary: anything else reads Other. */
export function boundedReason(reason: string): string {
  return ReasonPattern.test(reason) ? reason : 'Other';
}
