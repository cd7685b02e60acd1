import { isDeepStrictEqual } from 'node:util';
import type { DurableState } from '../reconcile/durable-state.js';
import type { SecretState } from '../reconcile/facts.js';
import { fingerprint } from '../secret.js';
import { FINGERPRINT_ANNOTATION, PREVIOUS_EXPIRES_AT_KEY, PREVIOUS_TOKEN_KEY, originsOf } from '../schema/delivery.js';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';

/**
 * SecretContent is what a destination Secret holds, as both front ends build
 * it: data as plain text (the Kubernetes edge encodes it), the user's labels
 * and annotations and ours. Ownership marks (an owner reference, the
 * provider's owner annotation, the managed-by label) are added by each front
 * end's Destination, since they say who wrote the Secret, not what it holds.
 */
export interface SecretContent {
  /** data holds the token value under the token key: never log it. */
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

/**
 * destinationContent is the Secret that publishes the current token: the
 * value under the configured key, its expiry, origins and id as non-secret
 * keys, during an overlap the previous value and when it stops working, the
 * user's labels and annotations, and the fingerprint annotation. It is
 * undefined when no value is kept to publish.
 */
export function destinationContent(spec: StorefrontTokenSpec, state: DurableState): SecretContent | undefined {
  const current = state.current;
  if (current?.value === undefined || state.revokedAt !== undefined) return undefined;
  const keys = spec.secret.keys;
  const data: Record<string, string> = {
    [keys.token]: current.value.reveal(),
    [keys.expiresAt]: current.expiresAt ?? '',
    [keys.origins]: originsOf(spec).join(','),
    [keys.tokenId]: current.id ?? '',
  };
  const previous = state.previous;
  if (previous?.value !== undefined) {
    data[PREVIOUS_TOKEN_KEY] = previous.value.reveal();
    data[PREVIOUS_EXPIRES_AT_KEY] = earliest(previous.expiresAt, previous.revokeAt);
  }
  return {
    data,
    labels: { ...spec.secret.labels },
    annotations: { ...spec.secret.annotations, [FINGERPRINT_ANNOTATION]: current.fingerprint },
  };
}

/** retractedContent is a revoked token's Secret under onRevoke Empty: token keys emptied, the rest kept for the record. */
export function retractedContent(actual: SecretContent, spec: StorefrontTokenSpec): SecretContent {
  const { [PREVIOUS_TOKEN_KEY]: _previous, [PREVIOUS_EXPIRES_AT_KEY]: _until, ...data } = actual.data;
  const { [FINGERPRINT_ANNOTATION]: _fingerprint, ...annotations } = actual.annotations;
  return { ...actual, data: { ...data, [spec.secret.keys.token]: '' }, annotations: { ...annotations, [REVOKED_ANNOTATION]: 'true' } };
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
  if (state.revokedAt !== undefined) return value === '' ? 'missing' : 'stale';
  const desired = destinationContent(spec, state);
  if (desired === undefined) return state.current !== undefined && value !== '' && fingerprint(value) === state.current.fingerprint ? 'current' : 'stale';
  return sameContent(found.content, desired) ? 'current' : 'stale';
}

/** sameContent compares what we control: all data, and our subset of labels and annotations. */
export function sameContent(actual: SecretContent, desired: SecretContent): boolean {
  const sub = (want: Readonly<Record<string, string>>, have: Readonly<Record<string, string>>): boolean => Object.entries(want).every(([k, v]) => have[k] === v);
  return isDeepStrictEqual({ ...actual.data }, { ...desired.data }) && sub(desired.labels, actual.labels) && sub(desired.annotations, actual.annotations);
}
