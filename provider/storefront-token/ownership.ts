import { createHash } from 'node:crypto';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { SecretRef, StoredSecret } from '../config/secret-store.js';

/** OWNER_ANNOTATION marks a Secret as written by one resource (`terraform/<id>`); only its owner changes or deletes it. */
export const OWNER_ANNOTATION = 'sftoken.dev/owner';
/** MANAGED_BY labels every Secret the provider writes, for batched refreshes. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'terraform-provider-sftoken' } as const;
/** STATE_PREFIX starts the name of the provider's state Secret beside each destination. */
export const STATE_PREFIX = 'sftoken-tfstate-';

/** ownerValue is the owner annotation value of a resource id. */
export function ownerValue(id: string): string {
  return `terraform/${id}`;
}

/** ownerIdOf is the resource id a Secret's owner annotation names, if any. */
export function ownerIdOf(secret: StoredSecret): string | undefined {
  const value = secret.annotations[OWNER_ANNOTATION];
  return value?.startsWith('terraform/') === true ? value.slice('terraform/'.length) : undefined;
}

/** ownedBy tells whether resource `id` wrote this Secret. */
export function ownedBy(secret: StoredSecret, id: string): boolean {
  return secret.annotations[OWNER_ANNOTATION] === ownerValue(id);
}

/** secretRefOf is where a spec says the Secret lives; namespace defaults to the kubeconfig's. */
export function secretRefOf(spec: Pick<StorefrontTokenSpec, 'secret'>, defaultNamespace: string): SecretRef {
  return { namespace: spec.secret.namespace ?? defaultNamespace, name: spec.secret.name };
}

/**
 * stateRefOf is the provider's state Secret for a destination: beside it,
 * named after it, so a run that was interrupted before Terraform saved its
 * state is found again by the next run, which knows only the configuration.
 */
export function stateRefOf(destination: SecretRef): SecretRef {
  const name = `${STATE_PREFIX}${destination.name}`;
  if (name.length <= 253) return { namespace: destination.namespace, name };
  const hash = createHash('sha256').update(destination.name).digest('hex').slice(0, 10);
  return { namespace: destination.namespace, name: `${name.slice(0, 242)}-${hash}` };
}
