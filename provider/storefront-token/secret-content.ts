import type { SecretState } from '../../core/reconcile/facts.js';
import { fingerprint, type SecretValue } from '../../core/secret.js';
import { FINGERPRINT_ANNOTATION, originsOf } from '../../core/schema/delivery.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { SecretRef, StoredSecret } from '../config/secret-store.js';
import { SECRET_PREVIOUS_KEY } from './schema.js';

/** OWNER_ANNOTATION marks a Secret as written by one resource (`terraform/<id>`); only its owner changes or deletes it. */
export const OWNER_ANNOTATION = 'sftoken.dev/owner';
/** REVOKED_ANNOTATION marks a Secret whose token was revoked and emptied. */
export const REVOKED_ANNOTATION = 'sftoken.dev/revoked';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'terraform-provider-sftoken' } as const;

/** ownerValue is the owner annotation value of a resource id. */
export function ownerValue(id: string): string {
  return `terraform/${id}`;
}

/** secretRefOf is where a spec says the Secret lives; namespace defaults to the kubeconfig's. */
export function secretRefOf(spec: Pick<StorefrontTokenSpec, 'secret'>, defaultNamespace: string): SecretRef {
  return { namespace: spec.secret.namespace ?? defaultNamespace, name: spec.secret.name };
}

/** Published is what a Secret publishes: the current token, and the previous one during an overlap. */
export interface Published {
  readonly value: SecretValue;
  readonly tokenId?: string;
  readonly expiresAt?: string;
  /** previous is the previous token's value, kept under `previousToken` until the overlap ends. */
  readonly previous?: SecretValue;
}

/** desiredSecret is the Secret that publishes a token for resource `id`. */
export function desiredSecret(ref: SecretRef, spec: StorefrontTokenSpec, id: string, published: Published): StoredSecret {
  const keys = spec.secret.keys;
  const data: Record<string, string> = {
    [keys.token]: published.value.reveal(),
    [keys.expiresAt]: published.expiresAt ?? '',
    [keys.origins]: originsOf(spec).join(','),
    [keys.tokenId]: published.tokenId ?? '',
  };
  if (published.previous !== undefined) data[SECRET_PREVIOUS_KEY] = published.previous.reveal();
  return {
    ...ref,
    labels: { ...spec.secret.labels, ...MANAGED_BY },
    annotations: { ...spec.secret.annotations, [OWNER_ANNOTATION]: ownerValue(id), [FINGERPRINT_ANNOTATION]: published.value.fingerprint },
    data,
  };
}

/** retractedSecret is a revoked token's Secret under on_revoke Empty: token keys emptied, the rest kept for the record. */
export function retractedSecret(actual: StoredSecret, spec: StorefrontTokenSpec): StoredSecret {
  const { [SECRET_PREVIOUS_KEY]: _previous, ...data } = actual.data;
  const { [FINGERPRINT_ANNOTATION]: _fingerprint, ...annotations } = actual.annotations;
  return { ...actual, data: { ...data, [spec.secret.keys.token]: '' }, annotations: { ...annotations, [REVOKED_ANNOTATION]: 'true' } };
}

/** ownedBy tells whether resource `id` wrote this Secret. */
export function ownedBy(secret: StoredSecret, id: string): boolean {
  return secret.annotations[OWNER_ANNOTATION] === ownerValue(id);
}

/**
 * classifySecret tells decide() what the Secret holds: missing, foreign (not
 * written by this resource), current (holds the token with this
 * fingerprint) or stale (ours, but the value was edited or removed).
 */
export function classifySecret(secret: StoredSecret | undefined, id: string | undefined, current: string | undefined, tokenKey: string): SecretState {
  if (secret === undefined) return 'missing';
  if (id === undefined || !ownedBy(secret, id)) return 'foreign';
  const value = secret.data[tokenKey] ?? '';
  return value !== '' && current !== undefined && fingerprint(value) === current ? 'current' : 'stale';
}

/** secretsEqual compares what the provider controls on a Secret (data, and its labels and annotations). */
export function secretsEqual(actual: StoredSecret, desired: StoredSecret): boolean {
  const same = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
  const sub = (have: Readonly<Record<string, string>>, want: Readonly<Record<string, string>>): boolean => Object.entries(want).every(([k, v]) => have[k] === v);
  return same(actual.data, desired.data) && sub(actual.labels, desired.labels) && sub(actual.annotations, desired.annotations);
}
