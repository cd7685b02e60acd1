import { randomUUID } from 'node:crypto';
import type { IssueRequest, IssuedToken, ObservedSpec, PlatformClient, TokenRef, TokenState } from '../../core/adapters/adapter.js';
import type { Capabilities } from '../../core/adapters/capabilities.js';
import { capabilityTable } from '../../core/adapters/capability-table.js';
import { CoreError, isCoreError } from '../../core/errors.js';
import { decide, type Decision } from '../../core/reconcile/decide.js';
import type { IssueReason, SecretState } from '../../core/reconcile/facts.js';
import { renewAt, scheduleFor } from '../../core/reconcile/schedule.js';
import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { ProviderContext } from '../config/context.js';
import type { SecretRef, StoredSecret } from '../config/secret-store.js';
import { errorDiagnostic, warningDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import type { ApplyResult } from '../framework/resource.js';
import { isUnknown, type ObjectValue, type Value } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { toSpec } from './convert.js';
import { failureDiagnostic } from './diagnostics.js';
import { displayNameOf, factsOf, observedFromPrior, tokenStateOf } from './facts.js';
import { specPart } from './plan.js';
import { SECRET_PREVIOUS_KEY } from './schema.js';
import { classifySecret, desiredSecret, ownedBy, retractedSecret, secretRefOf, secretsEqual } from './secret-content.js';
import { viewOf, withView, type TokenView } from './token-view.js';
import { parseSpec } from './validate.js';

// Apply carries out decide()'s steps one at a time, gathering facts again
// after each, until the token is settled or the plan's promises would be
// broken (a step whose result the plan said is already known). Every issued
// value is delivered to the Secret or revoked before apply returns.

const MAX_STEPS = 6;

/** ApplyTokenInput is one create or update. */
export interface ApplyTokenInput {
  readonly prior: ObjectValue | null;
  readonly planned: ObjectValue;
  readonly context: ProviderContext;
  readonly signal: AbortSignal;
}

interface Previous {
  readonly tokenId?: string;
  readonly fingerprint: string;
  readonly revokeAt: string;
  readonly value?: SecretValue;
}

/** Working is the token as apply has made it so far. */
interface Working {
  view: TokenView;
  value: SecretValue | undefined;
  previous: Previous | undefined;
  tokenState: TokenState;
  secret: SecretState;
  observed: ObservedSpec | undefined;
}

class TokenApply {
  readonly diagnostics: Diagnostic[] = [];
  readonly #spec: StorefrontTokenSpec;
  readonly #caps: Capabilities;
  readonly #client: PlatformClient;
  readonly #ctx: ProviderContext;
  readonly #signal: AbortSignal;
  readonly #ref: SecretRef;
  readonly #name: string;
  readonly #id: string;
  readonly w: Working;

  constructor(args: { spec: StorefrontTokenSpec; client: PlatformClient; ctx: ProviderContext; signal: AbortSignal; ref: SecretRef; id: string; w: Working }) {
    this.#spec = args.spec;
    this.#caps = capabilityTable[args.spec.platform];
    this.#client = args.client;
    this.#ctx = args.ctx;
    this.#signal = args.signal;
    this.#ref = args.ref;
    this.#name = displayNameOf(args.spec);
    this.#id = args.id;
    this.w = args.w;
  }

  decide(): Decision {
    const { w } = this;
    const view: TokenView = {
      ...w.view,
      ...(w.previous === undefined
        ? { previousFingerprint: undefined, previousRevokeAt: undefined, previousTokenId: undefined }
        : { previousFingerprint: w.previous.fingerprint, previousRevokeAt: w.previous.revokeAt, previousTokenId: w.previous.tokenId }),
    };
    return decide(
      factsOf({
        spec: this.#spec,
        name: this.#name,
        capabilities: this.#caps,
        now: this.#ctx.now(),
        view,
        observed: w.observed,
        tokenState: w.tokenState,
        secret: w.secret,
        valueKept: w.value !== undefined,
      }),
    );
  }

  #published(): StoredSecret | undefined {
    const { w } = this;
    if (w.value === undefined) return undefined;
    return desiredSecret(this.#ref, this.#spec, this.#id, {
      value: w.value,
      ...(w.view.tokenId === undefined ? {} : { tokenId: w.view.tokenId }),
      ...(w.view.expiresAt === undefined ? {} : { expiresAt: w.view.expiresAt }),
      ...(w.previous?.value === undefined ? {} : { previous: w.previous.value }),
    });
  }

  async publish(): Promise<void> {
    const desired = this.#published();
    if (desired === undefined) return;
    const live = await this.#ctx.secrets.get(this.#ref, this.#signal);
    if (live !== undefined && !ownedBy(live, this.#id)) {
      throw new CoreError('ERR_UNSUPPORTED', `Secret ${this.#ref.namespace}/${this.#ref.name} exists and was not written by this resource; rename secret.name or delete that Secret`, { path: ['secret', 'name'] });
    }
    if (live === undefined || !secretsEqual(live, desired)) await this.#ctx.secrets.put(desired, this.#signal);
    this.w.secret = 'current';
  }

  async #issueOnce(): Promise<IssuedToken> {
    const schedule = scheduleFor(this.#spec, this.#caps, this.#ctx.now());
    const request: IssueRequest = {
      spec: this.#spec,
      name: this.#name,
      idempotencyKey: randomUUID(),
      ...(schedule.expiresAt === undefined ? {} : { expiresAt: schedule.expiresAt }),
    };
    try {
      return await this.#client.issue(request, this.#signal);
    } catch (error) {
      if (!isCoreError(error, 'ERR_CREATE_IN_DOUBT')) throw error;
      return this.#settleInDoubt(request, error);
    }
  }

  // A create whose answer was lost is settled in the same apply: adopt the
  // token when the platform hands back its value, roll it when it can, and
  // otherwise revoke what landed and create once more.
  async #settleInDoubt(request: IssueRequest, cause: CoreError): Promise<IssuedToken> {
    const resolution = await this.#client.resolveInDoubt(request, this.#signal);
    if (resolution.outcome === 'unknowable') {
      throw new CoreError('ERR_CREATE_IN_DOUBT', `${cause.message}; ${this.#spec.platform} cannot tell whether the token was created, so an unusable orphan may exist until it expires. Apply again to create a new token`, { cause, platform: this.#spec.platform });
    }
    if (resolution.outcome === 'found' && resolution.value !== undefined) {
      const { value } = resolution;
      return { ref: resolution.ref, value, issuedAt: this.#ctx.now(), ...(resolution.expiresAt === undefined ? {} : { expiresAt: resolution.expiresAt }), observed: desiredObserved(this.#spec, this.#name) };
    }
    if (resolution.outcome === 'found') {
      if (this.#client.roll !== undefined) return this.#client.roll(resolution.ref, this.#signal);
      await this.#client.revoke(resolution.ref, this.#signal);
    }
    return this.#client.issue({ ...request, idempotencyKey: randomUUID() }, this.#signal);
  }

  async issue(reason: IssueReason): Promise<void> {
    const { w } = this;
    const now = this.#ctx.now();
    const old = w.view.fingerprint === undefined && w.view.tokenId === undefined ? undefined : { tokenId: w.view.tokenId, fingerprint: w.view.fingerprint ?? 'unknown', value: w.value };
    const rolled = reason === 'Lost' && this.#client.roll !== undefined && w.view.tokenId !== undefined;
    const issued = rolled && w.view.tokenId !== undefined ? await this.#client.roll?.({ id: w.view.tokenId }, this.#signal) : await this.#issueOnce();
    if (issued === undefined) return;
    const alive = w.tokenState === 'active' || w.tokenState === 'unknown';
    const keep = old !== undefined && alive && (reason === 'Rotation' || reason === 'Changed');
    const before = { ...w };
    w.view = {
      ...w.view,
      ...(issued.ref.id === undefined ? { tokenId: undefined } : { tokenId: issued.ref.id }),
      fingerprint: issued.value.fingerprint,
      issuedAt: issued.issuedAt.toISOString(),
      expiresAt: issued.expiresAt?.toISOString(),
    };
    w.value = issued.value;
    w.tokenState = 'active';
    w.observed = desiredObserved(this.#spec, this.#name);
    const overlapMs = scheduleFor(this.#spec, this.#caps, now).overlapMs;
    w.previous = keep ? { ...(old.tokenId === undefined ? {} : { tokenId: old.tokenId }), fingerprint: old.fingerprint, revokeAt: new Date(now.getTime() + overlapMs).toISOString(), ...(old.value === undefined ? {} : { value: old.value }) } : undefined;
    try {
      await this.publish();
    } catch (error) {
      // Nothing is lost: a value that cannot be delivered is revoked at once.
      await this.#client.revoke({ ...issued.ref, value: issued.value }, this.#signal).catch(() => undefined);
      Object.assign(w, before);
      throw error;
    }
    if (keep && this.#caps.revokeNeedsValue && old.value === undefined) {
      this.diagnostics.push(warningDiagnostic('Previous Token Cannot Be Revoked', `The previous token ${old.fingerprint} was not in the Secret any more, and ${this.#spec.platform} revokes a token only with its value; it stays valid until it expires.`));
    }
    if (!keep && old !== undefined && !rolled) await this.#retire(old, reason);
  }

  // A replaced token that was dead, lost or never delivered is revoked now where possible.
  async #retire(old: { tokenId: string | undefined; fingerprint: string; value: SecretValue | undefined }, reason: IssueReason): Promise<void> {
    if (this.#caps.revokeNeedsValue && old.value === undefined) {
      if (reason === 'Lost') this.diagnostics.push(warningDiagnostic('Lost Token Cannot Be Revoked', `The token ${old.fingerprint} was lost from its Secret and ${this.#spec.platform} revokes a token only with its value; it stays valid until it expires.`));
      return;
    }
    await this.#revokeRef({ ...(old.tokenId === undefined ? {} : { id: old.tokenId }), ...(old.value === undefined ? {} : { value: old.value }) });
  }

  async #revokeRef(ref: TokenRef): Promise<void> {
    await this.#client.revoke(ref, this.#signal);
  }

  async update(): Promise<void> {
    const { w } = this;
    if (this.#client.update === undefined) throw new CoreError('ERR_UNSUPPORTED', `${this.#spec.platform} cannot change a token in place`, { platform: this.#spec.platform });
    const ref: TokenRef = { ...(w.view.tokenId === undefined ? {} : { id: w.view.tokenId }), ...(w.value === undefined ? {} : { value: w.value }) };
    await this.#client.update(ref, { spec: this.#spec, name: this.#name }, this.#signal);
    w.observed = desiredObserved(this.#spec, this.#name);
  }

  async revokePrevious(): Promise<void> {
    const previous = this.w.previous;
    if (previous === undefined) return;
    if (this.#caps.revokeNeedsValue && previous.value === undefined) {
      this.diagnostics.push(warningDiagnostic('Previous Token Cannot Be Revoked', `The previous token ${previous.fingerprint} is not in the Secret any more, and ${this.#spec.platform} revokes a token only with its value; it stays valid until it expires.`));
    } else {
      await this.#revokeRef({ ...(previous.tokenId === undefined ? {} : { id: previous.tokenId }), ...(previous.value === undefined ? {} : { value: previous.value }) });
    }
    this.w.previous = undefined;
    if (this.w.secret === 'current') await this.publish();
  }

  async revoke(): Promise<void> {
    const { w } = this;
    if (w.previous !== undefined) await this.revokePrevious();
    if (w.view.fingerprint !== undefined || w.view.tokenId !== undefined) {
      if (this.#caps.revokeNeedsValue && w.value === undefined) {
        throw new CoreError('ERR_UNSUPPORTED', `${this.#spec.platform} revokes a token only with its value, and Secret ${this.#ref.namespace}/${this.#ref.name} no longer holds it; restore the Secret or let the token expire`, { platform: this.#spec.platform });
      }
      await this.#revokeRef({ ...(w.view.tokenId === undefined ? {} : { id: w.view.tokenId }), ...(w.value === undefined ? {} : { value: w.value }) });
    }
    w.view = { ...w.view, revokedAt: this.#ctx.now().toISOString() };
    w.tokenState = 'revoked';
  }

  async retract(): Promise<void> {
    const live = await this.#ctx.secrets.get(this.#ref, this.#signal);
    if (live !== undefined && ownedBy(live, this.#id)) {
      if (this.#spec.secret.onRevoke === 'Delete') await this.#ctx.secrets.delete(this.#ref, this.#signal);
      else await this.#ctx.secrets.put(retractedSecret(live, this.#spec), this.#signal);
    }
    this.w.value = undefined;
    this.w.secret = 'missing';
  }
}

function desiredObserved(spec: StorefrontTokenSpec, name: string): ObservedSpec {
  return { displayName: spec.displayName ?? name, block: { ...(spec[spec.platform] ?? {}) } };
}

/** allowed says which steps the plan left room for: a step may only change what the plan marked unknown. */
function allowed(decision: Decision, planned: ObjectValue): boolean {
  switch (decision.action) {
    case 'issue':
      return isUnknown(planned['fingerprint']);
    case 'revokePrevious':
      return isUnknown(planned['previous_fingerprint']);
    case 'revoke':
      return isUnknown(planned['revoked_at']);
    default:
      return true;
  }
}

async function step(run: TokenApply, decision: Decision): Promise<boolean> {
  switch (decision.action) {
    case 'issue':
      await run.issue(decision.reason);
      return true;
    case 'update':
      await run.update();
      return true;
    case 'publish':
      await run.publish();
      return true;
    case 'revokePrevious':
      await run.revokePrevious();
      return true;
    case 'revoke':
      await run.revoke();
      return true;
    case 'retractSecret':
      await run.retract();
      return true;
    case 'blocked':
      throw new CoreError('ERR_UNSUPPORTED', decision.message, { path: ['secret', 'name'] });
    case 'resolveInDoubt':
    case 'wait':
      return false;
  }
}

function priorSecretRef(prior: ObjectValue | null, defaultNamespace: string): SecretRef | undefined {
  if (prior === null) return undefined;
  const parsed = storefrontTokenSpecSchema.shape.secret.safeParse(toSpec(specPart(prior), specCodecs)['secret']);
  return parsed.success ? secretRefOf({ secret: parsed.data }, defaultNamespace) : undefined;
}

function finalState(planned: ObjectValue, run: TokenApply, spec: StorefrontTokenSpec, now: Date): ObjectValue {
  const { w } = run;
  const caps = capabilityTable[spec.platform];
  const revoked = w.view.revokedAt !== undefined;
  const expiresAt = w.view.expiresAt === undefined ? undefined : new Date(w.view.expiresAt);
  const issuedAt = w.view.issuedAt === undefined ? now : new Date(w.view.issuedAt);
  const renew = revoked ? undefined : renewAt(expiresAt, scheduleFor(spec, caps, issuedAt))?.toISOString();
  const view: TokenView = {
    ...w.view,
    status: revoked || spec.revoked ? 'revoked' : 'active',
    renewAt: renew,
    previousTokenId: w.previous?.tokenId,
    previousFingerprint: w.previous?.fingerprint,
    previousRevokeAt: w.previous?.revokeAt,
    value: planned['expose_value'] === true ? w.value?.reveal() : undefined,
  };
  if (spec.revoked && view.revokedAt === undefined) return withView(planned, { ...view, revokedAt: now.toISOString() });
  const state = withView(planned, view);
  const warnings: Value = isUnknown(planned['warnings']) ? [] : planned['warnings'] ?? [];
  return { ...state, warnings };
}

/**
 * applyToken creates or updates one StorefrontToken. On failure the state
 * returned is what is true now: null when nothing was issued on create, the
 * token as far as apply got otherwise.
 */
export async function applyToken(input: ApplyTokenInput): Promise<ApplyResult> {
  const { prior, planned, context, signal } = input;
  const now = context.now();
  const parsed = parseSpec(specPart(planned), now);
  if (!parsed.ok) return { state: prior, diagnostics: parsed.diagnostics };
  const { spec } = parsed;
  let run: TokenApply | undefined;
  try {
    const client = context.clientFor(spec.platform);
    const namespace = await context.secrets.defaultNamespace();
    const ref = secretRefOf(spec, namespace);
    const priorView = viewOf(prior);
    const id = priorView.id ?? randomUUID();
    const oldRef = priorSecretRef(prior, namespace) ?? ref;
    const live = await context.secrets.get(oldRef, signal);
    if (prior === null && live !== undefined && !ownedBy(live, id)) {
      return { state: null, diagnostics: [errorDiagnostic('Secret Not Owned', `Secret ${ref.namespace}/${ref.name} already exists and was not written by this resource. Choose another secret.name, or delete that Secret. No token was issued.`, [{ attribute: 'secret' }, { attribute: 'name' }])] };
    }
    run = new TokenApply({ spec, client, ctx: context, signal, ref, id, w: initialWorking(prior, priorView, live, spec, id) });
    for (let i = 0; i < MAX_STEPS; i++) {
      const decision = run.decide();
      if (!allowed(decision, planned)) break;
      if (!(await step(run, decision))) break;
    }
    if (oldRef.name !== ref.name || oldRef.namespace !== ref.namespace) await moveSecret(run, context, oldRef, id, signal);
    else if (run.w.view.revokedAt === undefined && run.w.value !== undefined) await run.publish();
    return { state: finalState(planned, run, spec, now), diagnostics: run.diagnostics };
  } catch (error) {
    const diagnostics = [...(run?.diagnostics ?? []), failureDiagnostic(prior === null ? 'creating the token' : 'updating the token', error)];
    if (run === undefined || (prior === null && run.w.view.fingerprint === undefined)) return { state: prior, diagnostics };
    return { state: finalState(planned, run, spec, now), diagnostics };
  }
}

// secret.name or namespace changed: publish at the new place, then remove ours from the old one.
async function moveSecret(run: TokenApply, context: ProviderContext, oldRef: SecretRef, id: string, signal: AbortSignal): Promise<void> {
  if (run.w.view.revokedAt === undefined && run.w.value !== undefined) await run.publish();
  const old = await context.secrets.get(oldRef, signal);
  if (old !== undefined && ownedBy(old, id)) await context.secrets.delete(oldRef, signal);
}

function initialWorking(prior: ObjectValue | null, view: TokenView, live: StoredSecret | undefined, spec: StorefrontTokenSpec, id: string): Working {
  if (prior === null) return { view: { id }, value: undefined, previous: undefined, tokenState: 'unknown', secret: 'missing', observed: undefined };
  const priorSpec = toSpec(specPart(prior), specCodecs);
  const keys = storefrontTokenSpecSchema.shape.secret.safeParse(priorSpec['secret']);
  const tokenKey = keys.success ? keys.data.keys.token : spec.secret.keys.token;
  const retracted = view.revokedAt !== undefined && (live?.data[tokenKey] ?? '') === '';
  const secret = view.status === 'imported' || retracted ? 'missing' : classifySecret(live, id, view.fingerprint, tokenKey);
  const owned = live !== undefined && ownedBy(live, id);
  const fromSecret = secret === 'current' ? live?.data[tokenKey] : undefined;
  const kept = fromSecret ?? (prior['expose_value'] === true ? view.value : undefined);
  const previousValue = owned ? live.data[SECRET_PREVIOUS_KEY] : undefined;
  const previous: Previous | undefined =
    view.previousFingerprint === undefined || view.previousRevokeAt === undefined
      ? undefined
      : {
          fingerprint: view.previousFingerprint,
          revokeAt: view.previousRevokeAt,
          ...(view.previousTokenId === undefined ? {} : { tokenId: view.previousTokenId }),
          ...(previousValue === undefined || previousValue === '' ? {} : { value: new SecretValue(previousValue) }),
        };
  return {
    view: { ...view, id },
    value: kept === undefined || kept === '' ? undefined : new SecretValue(kept),
    previous,
    tokenState: tokenStateOf(view.status),
    secret,
    observed: observedFromPrior(spec, priorSpec, displayNameOf(spec)),
  };
}
