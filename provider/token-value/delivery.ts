import { REVOKED_ANNOTATION } from '../../core/delivery/secret-content.js';
import type { StoredSecret } from '../config/secret-store.js';
import { ownerIdOf } from '../storefront-token/ownership.js';

/**
 * Delivery is what a token's Secret says about its value: delivered (with
 * the value), or why not. `recorded` cases are those where the provider's
 * state record beside the Secret shows the token exists.
 */
export type Delivery =
  | { readonly kind: 'delivered'; readonly value: string; readonly expiresAt: string | undefined }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not_delivered'; readonly why: 'secret_absent' | 'value_empty' }
  | { readonly kind: 'key_missing'; readonly keys: readonly string[] }
  | { readonly kind: 'revoked' }
  | { readonly kind: 'foreign'; readonly owner: string | undefined };

/** DeliveryFacts are the reads classifyDelivery needs: the Secret, whether a token record exists beside it, and what was asked. */
export interface DeliveryFacts {
  /** secret is the destination Secret, or undefined when it does not exist. */
  readonly secret: StoredSecret | undefined;
  /** recorded: the provider's state Secret for this destination exists (and belongs to ownerId, when given). */
  readonly recorded: boolean;
  /** key holds the value. */
  readonly key: string;
  /** expiresAtKey holds the expiry. */
  readonly expiresAtKey: string;
  /** ownerId is the sftoken_storefront_token id that must have delivered the Secret, if given. */
  readonly ownerId: string | undefined;
}

/**
 * classifyDelivery decides, without I/O, what opening a token's value
 * finds. Order matters: a missing Secret is "not yet delivered" when the
 * token's record exists; a Secret written by another token is refused
 * before anything is read from it; a revoked token's emptied Secret is
 * revoked, not undelivered; a missing key lists the keys that are there
 * (names only).
 */
export function classifyDelivery(facts: DeliveryFacts): Delivery {
  const { secret, recorded, key, expiresAtKey, ownerId } = facts;
  if (secret === undefined) return recorded ? { kind: 'not_delivered', why: 'secret_absent' } : { kind: 'missing' };
  const owner = ownerIdOf(secret);
  if (ownerId !== undefined && owner !== ownerId) return { kind: 'foreign', owner };
  if (secret.annotations[REVOKED_ANNOTATION] === 'true') return { kind: 'revoked' };
  const value = secret.data[key];
  if (value === undefined) return { kind: 'key_missing', keys: Object.keys(secret.data).sort() };
  if (value === '') return { kind: 'not_delivered', why: 'value_empty' };
  const expiresAt = secret.data[expiresAtKey];
  return { kind: 'delivered', value, expiresAt: expiresAt === undefined || expiresAt === '' ? undefined : expiresAt };
}
