import { isDeepStrictEqual } from 'node:util';
import type { SecretState } from '../core/reconcile/facts.js';
import { fingerprint } from '../core/secret.js';
import { FINGERPRINT_ANNOTATION, originsOf } from '../core/schema/delivery.js';
import type { StorefrontTokenSpec } from '../core/schema/storefront-token.js';
import type { SecretObject } from './kube.js';
import { ManagedByLabel, ManagedByValue, RoleLabel, TokenLabel, labelValue } from './names.js';
import { ownerOf, type DurableState, type TokenIdentity } from './state.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * desiredDestination is the destination Secret that publishes the current
 * token: the value under the configured key, the expiry, origins and id as
 * non-secret keys, the user's labels and annotations, and our ownership.
 * It returns undefined when there is no value to publish.
 */
export function desiredDestination(token: TokenIdentity, spec: StorefrontTokenSpec, state: DurableState): SecretObject | undefined {
  const current = state.current;
  if (current?.value === undefined) return undefined;
  const keys = spec.secret.keys;
  const data: Record<string, string> = {
    [keys.token]: b64(current.value.reveal()),
    [keys.expiresAt]: b64(current.expiresAt ?? ''),
    [keys.origins]: b64(originsOf(spec).join(',')),
    [keys.tokenId]: b64(current.id ?? ''),
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: spec.secret.name,
      namespace: token.namespace,
      labels: { ...spec.secret.labels, [ManagedByLabel]: ManagedByValue, [TokenLabel]: labelValue(token.name), [RoleLabel]: 'destination' },
      annotations: { ...spec.secret.annotations, [FINGERPRINT_ANNOTATION]: current.fingerprint },
      ownerReferences: [ownerOf(token)],
    },
    data,
  };
}

/** ownedBy tells whether a Secret's controller owner is this token (by uid, never by name). */
export function ownedBy(secret: SecretObject, uid: string): boolean {
  return (secret.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.uid === uid);
}

/**
 * destinationState classifies the destination Secret for decide(): foreign
 * when another owner (or nobody) controls it, current when it matches what
 * we would publish, missing when absent or already retracted after a
 * revocation, stale otherwise (edited value, deleted key, drifted labels).
 */
export function destinationState(actual: SecretObject | undefined, desired: SecretObject | undefined, uid: string, state: DurableState, spec: StorefrontTokenSpec): SecretState {
  if (actual === undefined) return 'missing';
  if (!ownedBy(actual, uid)) return 'foreign';
  const value = actual.data?.[spec.secret.keys.token] ?? '';
  if (state.revokedAt !== undefined) return value === '' ? 'missing' : 'stale';
  if (desired === undefined) {
    // No durable value: all we can check is that the Secret still holds the current token.
    const published = Buffer.from(value, 'base64').toString('utf8');
    return state.current !== undefined && published !== '' && fingerprint(published) === state.current.fingerprint ? 'current' : 'stale';
  }
  return matches(actual, desired) ? 'current' : 'stale';
}

function matches(actual: SecretObject, desired: SecretObject): boolean {
  const labels = actual.metadata.labels ?? {};
  const annotations = actual.metadata.annotations ?? {};
  const sub = (want: Record<string, string> | undefined, have: Record<string, string>): boolean =>
    Object.entries(want ?? {}).every(([k, v]) => have[k] === v);
  return isDeepStrictEqual(actual.data ?? {}, desired.data ?? {})
    && sub(desired.metadata.labels, labels)
    && sub(desired.metadata.annotations, annotations);
}

/** retractedDestination empties the token key of a destination Secret, keeping the rest for the record. */
export function retractedDestination(actual: SecretObject, spec: StorefrontTokenSpec): SecretObject {
  const data = { ...(actual.data ?? {}), [spec.secret.keys.token]: '' };
  const { annotations = {} } = actual.metadata;
  const { [FINGERPRINT_ANNOTATION]: _dropped, ...rest } = annotations;
  return { ...actual, metadata: { ...actual.metadata, annotations: { ...rest, 'sftoken.dev/revoked': 'true' } }, data };
}
