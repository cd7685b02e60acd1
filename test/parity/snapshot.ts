import { createHash } from 'node:crypto';
import { FINGERPRINT_ANNOTATION } from '../../core/schema/delivery.js';
import { REVOKED_ANNOTATION } from '../../core/delivery/secret-content.js';
import { decodeDurableState } from '../../core/reconcile/durable-state.js';
import type { PlatformName } from '../../core/schema/platform.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { specCodecs } from '../../provider/storefront-token/codec.js';
import { fromSpec } from '../../provider/storefront-token/convert.js';
import type { Value } from '../../provider/framework/value.js';
import type { InventoryEntry, Sandbox, StatsSnapshot } from '../../sandbox/index.js';

// What the parity suite compares between the two front ends, reduced to
// what must be equal whichever front end acted: the platform's write calls
// by operation, the states of the tokens a phase issued (in issue order),
// and the destination Secret's shape. Token values never leave this file:
// a value is named by the position of its token in the phase's inventory
// (#1, #2 …), found through the sandbox's fingerprint of the value.

/** SpecInput is a StorefrontToken spec as a manifest writes it (camelCase). */
export type SpecInput = Readonly<Record<string, unknown>>;

/** SecretShape is a destination Secret with every value replaced by what it means. */
export interface SecretShape {
  /** type is the Secret's type. */
  readonly type: string;
  /** keys are the data keys, sorted. */
  readonly keys: string;
  /** token is `#n` (the phase's n-th token, with its state unless active), '' when emptied, `unknown` otherwise. */
  readonly token: string;
  /** expiresAt is '' (never expires), `platform` (the platform's expiry of that token) or `differs`. */
  readonly expiresAt: string;
  /** origins is the origins key as written (not secret). */
  readonly origins: string;
  /** tokenId is '' or `#n`, the token the id names. */
  readonly tokenId: string;
  /** previousToken is `absent` or `#n` (the fallback kept during an overlap). */
  readonly previousToken: string;
  /** previousExpiresAt is `absent` or `set`. */
  readonly previousExpiresAt: string;
  /** annotations are the engine's and the user's (never the ownership marks, which differ by design). */
  readonly annotations: string;
}

/** A Snapshot is one front end's world after a step. */
export interface Snapshot {
  readonly secret: SecretShape | 'absent';
  /** inventory is the state of each token issued in the phase, in issue order. */
  readonly inventory: string;
  /** platformOrigins are the origins the platform holds for the Secret's token ('' when none or no token). */
  readonly platformOrigins: string;
  /** state is the front end's durable state: `gone`, or what it records (history reasons, notes, revocation). */
  readonly state: string;
}

/** sandboxFingerprint is the inventory's fingerprint of a value: the first 8 hex of its SHA-256. */
export function sandboxFingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** phaseTokens are the tokens of one platform issued since `before` was taken, in issue order. */
export function phaseTokens(sandbox: Sandbox, platform: PlatformName, before: ReadonlySet<string>): InventoryEntry[] {
  return sandbox.inventory(platform).filter((e) => !before.has(e.id));
}

function nameOf(tokens: readonly InventoryEntry[], value: string | undefined): string {
  if (value === undefined || value === '') return '';
  const fp = sandboxFingerprint(value);
  const i = tokens.findIndex((t) => t.fingerprint === fp);
  const t = tokens[i];
  if (t === undefined) return 'unknown';
  return t.state === 'active' ? `#${i + 1}` : `#${i + 1} ${t.state}`;
}

// An id names a token by the platform's id, or (BigCommerce, whose tokens
// have none) by the store and the value's fingerprint.
function idIndex(tokens: readonly InventoryEntry[], id: string): number {
  const last = id.slice(id.lastIndexOf('/') + 1);
  return tokens.findIndex((t) => last === t.id || (t.platform === 'bigcommerce' && last.startsWith(t.fingerprint)));
}

function idName(tokens: readonly InventoryEntry[], id: string | undefined): string {
  if (id === undefined || id === '') return '';
  const i = idIndex(tokens, id);
  return i < 0 ? 'unknown' : `#${i + 1}`;
}

function expiryName(entry: InventoryEntry | undefined, value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (entry?.expiresAt === null || entry === undefined) return 'differs';
  return Math.abs(Date.parse(value) - Date.parse(entry.expiresAt)) <= 1500 ? 'platform' : 'differs';
}

/** SecretRead is a destination Secret as read from the cluster: decoded data and annotations. */
export interface SecretRead {
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** snapshotOf reduces a front end's destination Secret and the phase's tokens to a Snapshot. */
export function snapshotOf(spec: SpecInput, secret: SecretRead | undefined, tokens: readonly InventoryEntry[], stateData: Readonly<Record<string, string>> | undefined): Snapshot {
  const inventory = tokens.map((t) => t.state).join(',');
  const state = stateOf(stateData);
  if (secret === undefined) return { secret: 'absent', inventory, platformOrigins: '', state };
  const parsed = storefrontTokenSpecSchema.parse(spec);
  const keys = parsed.secret.keys;
  const value = secret.data[keys.token];
  // The token the Secret is about: by its value, or by its id once the value was emptied.
  const byValue = value === undefined || value === '' ? undefined : tokens.find((t) => t.fingerprint === sandboxFingerprint(value));
  const entry = byValue ?? tokens[idIndex(tokens, secret.data[keys.tokenId] ?? '')];
  // core's fingerprint (12 hex) and the sandbox's (8 hex) are both the start of the value's SHA-256.
  const fp = secret.annotations[FINGERPRINT_ANNOTATION];
  const annotated = fp === undefined ? -1 : tokens.findIndex((t) => fp.startsWith(t.fingerprint));
  const annotations = [
    ...Object.keys(parsed.secret.annotations).sort().map((k) => `${k}=${secret.annotations[k] ?? '(missing)'}`),
    ...(fp === undefined ? [] : [`fingerprint=${annotated < 0 ? 'unknown' : `#${annotated + 1}`}`]),
    ...(secret.annotations[REVOKED_ANNOTATION] === undefined ? [] : [`revoked=${secret.annotations[REVOKED_ANNOTATION]}`]),
  ];
  return {
    secret: {
      type: secret.type,
      keys: Object.keys(secret.data).sort().join(','),
      token: nameOf(tokens, value),
      expiresAt: expiryName(entry, secret.data[keys.expiresAt]),
      origins: secret.data[keys.origins] ?? '(missing)',
      tokenId: idName(tokens, secret.data[keys.tokenId]),
      previousToken: secret.data['previousToken'] === undefined ? 'absent' : nameOf(tokens, secret.data['previousToken']),
      previousExpiresAt: secret.data['previousExpiresAt'] === undefined ? 'absent' : 'set',
      annotations: annotations.join(' '),
    },
    inventory,
    platformOrigins: entry?.origins.join(',') ?? '',
    state,
  };
}

/**
 * stateOf summarises a durable state Secret's data: why each retired token
 * was retired (newest first), how many lasting notes, and whether a create
 * is pending or everything was revoked. Both front ends use core's encoding.
 */
function stateOf(data: Readonly<Record<string, string>> | undefined): string {
  if (data === undefined) return 'gone';
  const state = decodeDurableState(data);
  const parts = [
    `history=${state.history.map((h) => h.reason).join(',') || '-'}`,
    `notes=${state.notes.length}`,
    ...(state.pending === undefined ? [] : ['pending']),
    ...(state.revokedAt === undefined ? [] : ['revoked']),
  ];
  return `kept ${parts.join(' ')}`;
}

/** A Matcher is a partial expectation on a Snapshot: top-level fields, and SecretShape fields under `secret`. */
export interface Matcher {
  readonly inventory?: string;
  readonly platformOrigins?: string;
  /** state matches the durable state summary's start, e.g. `kept` or `gone`. */
  readonly state?: string;
  readonly secret?: 'absent' | Partial<SecretShape>;
}

/** matches tells whether a snapshot meets an expectation. */
export function matches(snapshot: Snapshot, expected: Matcher): boolean {
  if (expected.inventory !== undefined && snapshot.inventory !== expected.inventory) return false;
  if (expected.platformOrigins !== undefined && snapshot.platformOrigins !== expected.platformOrigins) return false;
  if (expected.state !== undefined && !snapshot.state.startsWith(expected.state)) return false;
  const want = expected.secret;
  if (want === undefined) return true;
  if (want === 'absent' || snapshot.secret === 'absent') return want === snapshot.secret;
  const have = snapshot.secret;
  return (Object.entries(want) as [keyof SecretShape, string][]).every(([k, v]) => have[k] === v);
}

/**
 * READ_OPERATION matches observations, which differ by design (the operator
 * polls, Terraform refreshes on every plan): reads, and the token-use calls
 * some adapters observe with (WizCommerce's products, BigCommerce's GraphQL).
 */
const READ_OPERATION = /^(get|verify|use|jwks$|listPermissionGroups$|listProducts$)/;

/** Calls counts a phase's platform write calls: `operation` (2xx) or `operation:status`, with a count. */
export type Calls = Readonly<Record<string, number>>;

/** callsBetween is what happened at the platform between two stats snapshots: writes, and the number of reads. */
export function callsBetween(before: StatsSnapshot, after: StatsSnapshot): { writes: Calls; reads: number } {
  const counted = new Map<string, number>();
  for (const r of before.rows) counted.set(`${r.platform} ${r.operation} ${r.status}`, r.count);
  const writes: Record<string, number> = {};
  let reads = 0;
  for (const r of after.rows) {
    const n = r.count - (counted.get(`${r.platform} ${r.operation} ${r.status}`) ?? 0);
    if (n === 0) continue;
    if (READ_OPERATION.test(r.operation)) {
      reads += n;
      continue;
    }
    const key = r.status >= 200 && r.status < 300 ? r.operation : `${r.operation}:${r.status}`;
    writes[key] = (writes[key] ?? 0) + n;
  }
  return { writes: Object.fromEntries(Object.entries(writes).sort(([a], [b]) => a.localeCompare(b))), reads };
}

/** writesIn counts every write call a stats snapshot holds. */
export function writesIn(stats: StatsSnapshot): number {
  return stats.rows.filter((r) => !READ_OPERATION.test(r.operation)).reduce((n, r) => n + r.count, 0);
}

/** formatCalls is a compact, stable text of write calls, e.g. `createToken×2 revokeToken×1`. */
export function formatCalls(calls: Calls): string {
  const parts = Object.entries(calls).map(([k, n]) => `${k}×${n}`);
  return parts.length === 0 ? '(none)' : parts.join(' ');
}

/** writeCount is the number of write calls. */
export function writeCount(calls: Calls): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

function withoutNulls(v: Value): Value {
  if (Array.isArray(v)) return (v as readonly Value[]).map(withoutNulls);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v as Record<string, Value>).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  }
  return v;
}

/**
 * hclOf writes a spec as an sftoken_storefront_token resource, through the
 * provider's own field codecs (snake_case attributes, map keys untouched);
 * JSON is valid HCL expression syntax, so each value is its JSON.
 */
export function hclOf(spec: SpecInput, resource: string): string {
  const value = fromSpec(spec, specCodecs);
  const lines = Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => `  ${k} = ${JSON.stringify(withoutNulls(v))}`);
  return `resource "sftoken_storefront_token" "${resource}" {\n${lines.join('\n')}\n}\n`;
}
