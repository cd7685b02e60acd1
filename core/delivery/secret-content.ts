import { isDeepStrictEqual } from 'node:util';
import type { DurableState } from '../reconcile/durable-state.js';
import type { SecretState } from '../reconcile/facts.js';
import { isCoreError } from '../errors.js';
import { fingerprint, type SecretValue } from '../secret.js';
import { FINGERPRINT_ANNOTATION, PREVIOUS_EXPIRES_AT_KEY, PREVIOUS_TOKEN_KEY, originsOf } from '../schema/delivery.js';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';
import { renderFormat, type ValueLookup } from './formats.js';

/**
 * SecretContent is what a destination Secret holds, as both front ends build
 * it: data as plain text (the Kubernetes edge encodes it), the user's labels
 * and annotations and ours. Ownership marks (an owner reference, the
 * provider's owner annotation, the managed-by label) are added by each front
 * end's Destination, since they say who wrote the Secret, not what it holds.
 */
export interface SecretContent {
  /** type is the Secret's type (spec.secret.type); Kubernetes never changes it in place. */
  readonly type: string;
  /** data holds the token value under the token key and in the format documents: never log it. */
  readonly data: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export { PREVIOUS_EXPIRES_AT_KEY, PREVIOUS_TOKEN_KEY, RESERVED_KEYS } from '../schema/delivery.js';
/** REVOKED_ANNOTATION marks a Secret whose token was revoked and emptied. */
export const REVOKED_ANNOTATION = 'sftoken.dev/revoked';

function earliest(a: string | undefined, b: string): string {
  return a !== undefined && Date.parse(a) < Date.parse(b) ? a : b;
}

// Block fields as text: lists comma-separated (as origins), unset empty.
function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.map(textOf).join(',');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

// The values a Secret publishes, by name: the single keys and the formats
// both read them here. The previous token and its end exist only while a
// kept previous value does (an overlap).
function lookupOf(spec: StorefrontTokenSpec, state: DurableState, token: SecretValue): ValueLookup {
  const current = state.current;
  const previous = state.previous;
  const common: Readonly<Record<string, string | undefined>> = {
    token: token.reveal(),
    expiresAt: current?.expiresAt ?? '',
    tokenId: current?.id ?? '',
    origins: originsOf(spec).join(','),
    previousToken: previous?.value?.reveal(),
    previousExpiresAt: previous?.value === undefined ? undefined : earliest(previous.expiresAt, previous.revokeAt),
    platform: spec.platform,
  };
  const block = (spec[spec.platform] ?? {}) as Readonly<Record<string, unknown>>;
  return (name) => (name in common ? common[name] : textOf(block[name]));
}

/**
 * destinationContent is the Secret that publishes the current token: the
 * value under the configured key, its expiry, origins and id as non-secret
 * keys, during an overlap the previous value and when it stops working, the
 * format documents holding the same values, the Secret type, the user's
 * labels and annotations, and the fingerprint annotation. It is undefined
 * when no value is kept to publish. It throws ERR_UNSUPPORTED when a value
 * cannot be written into a dotenv document (see formats.ts).
 */
export function destinationContent(spec: StorefrontTokenSpec, state: DurableState): SecretContent | undefined {
  const current = state.current;
  if (current?.value === undefined || state.revokedAt !== undefined) return undefined;
  const value = lookupOf(spec, state, current.value);
  const keys = spec.secret.keys;
  const data: Record<string, string> = {
    [keys.token]: value('token') ?? '',
    [keys.expiresAt]: value('expiresAt') ?? '',
    [keys.origins]: value('origins') ?? '',
    [keys.tokenId]: value('tokenId') ?? '',
  };
  const previousToken = value('previousToken');
  if (previousToken !== undefined) {
    data[PREVIOUS_TOKEN_KEY] = previousToken;
    data[PREVIOUS_EXPIRES_AT_KEY] = value('previousExpiresAt') ?? '';
  }
  const naming = { platform: spec.platform, name: spec.secret.name };
  (spec.secret.formats ?? []).forEach((format, i) => {
    data[format.key] = renderFormat(format, i, value, naming);
  });
  return {
    type: spec.secret.type,
    data,
    labels: { ...spec.secret.labels },
    annotations: { ...spec.secret.annotations, [FINGERPRINT_ANNOTATION]: current.fingerprint },
  };
}

/**
 * retractedContent is a revoked token's Secret under onRevoke Empty: the
 * token key and the format documents (which hold the token) emptied, the
 * previous token gone, the rest kept for the record.
 */
export function retractedContent(actual: SecretContent, spec: StorefrontTokenSpec): SecretContent {
  const { [PREVIOUS_TOKEN_KEY]: _previous, [PREVIOUS_EXPIRES_AT_KEY]: _until, ...data } = actual.data;
  const { [FINGERPRINT_ANNOTATION]: _fingerprint, ...annotations } = actual.annotations;
  const emptied = [spec.secret.keys.token, ...(spec.secret.formats ?? []).map((f) => f.key)];
  return { ...actual, data: { ...data, ...Object.fromEntries(emptied.map((key) => [key, ''])) }, annotations: { ...annotations, [REVOKED_ANNOTATION]: 'true' } };
}

/** A FoundSecret is the destination Secret as a front end read it: its content and whether this token owns it. */
export interface FoundSecret {
  readonly owned: boolean;
  readonly content: SecretContent;
}

/**
 * classifySecret tells decide() what the destination holds: missing (absent,
 * or retracted after a revocation), foreign (not ours), current (what we
 * would publish), stale otherwise (edited value, deleted key, drifted
 * labels). Without a kept value all that can be checked is the fingerprint.
 */
export function classifySecret(found: FoundSecret | undefined, spec: StorefrontTokenSpec, state: DurableState): SecretState {
  if (found === undefined) return 'missing';
  if (!found.owned) return 'foreign';
  const value = found.content.data[spec.secret.keys.token] ?? '';
  if (state.revokedAt !== undefined) {
    const holding = [spec.secret.keys.token, ...(spec.secret.formats ?? []).map((f) => f.key)];
    return holding.every((key) => (found.content.data[key] ?? '') === '') ? 'missing' : 'stale';
  }
  const desired = desiredOrUnwritable(spec, state);
  if (desired === 'unwritable') return 'stale';
  if (desired === undefined) return state.current !== undefined && value !== '' && fingerprint(value) === state.current.fingerprint ? 'current' : 'stale';
  return sameContent(found.content, desired) ? 'current' : 'stale';
}

// A value a format cannot carry must not stop deciding (revoked: true must
// still revoke): the Secret is then simply not current, and publishing it
// reports why.
function desiredOrUnwritable(spec: StorefrontTokenSpec, state: DurableState): SecretContent | undefined | 'unwritable' {
  try {
    return destinationContent(spec, state);
  } catch (error) {
    if (isCoreError(error, 'ERR_UNSUPPORTED')) return 'unwritable';
    throw error;
  }
}

/** sameContent compares what we control: the type, all data, and our subset of labels and annotations. */
export function sameContent(actual: SecretContent, desired: SecretContent): boolean {
  const sub = (want: Readonly<Record<string, string>>, have: Readonly<Record<string, string>>): boolean => Object.entries(want).every(([k, v]) => have[k] === v);
  return actual.type === desired.type && isDeepStrictEqual({ ...actual.data }, { ...desired.data }) && sub(desired.labels, actual.labels) && sub(desired.annotations, actual.annotations);
}
