/**
 * ExpiryCapability says who decides when a token expires:
 * - `required`: the caller must give an expiry (BigCommerce's expires_at);
 * - `optional`: the caller may give one (Cloudflare's expires_on);
 * - `fixed`: the platform imposes a lifetime the caller cannot change;
 * - `none`: tokens live until revoked.
 */
export type ExpiryCapability = 'required' | 'optional' | 'fixed' | 'none';

/**
 * Capabilities is what an adapter declares about its platform's token API.
 * Core code reads these, never the platform's name, to decide how to issue,
 * observe, change, recover and revoke.
 */
export interface Capabilities {
  /** read: one token can be looked up by id, so observe works without the value. */
  readonly read: boolean;
  /** list: tokens can be listed, so a create whose outcome is unknown can be found. */
  readonly list: boolean;
  /** idempotentCreate: create honours an idempotency key, so an in-doubt create can be retried safely. */
  readonly idempotentCreate: boolean;
  /** introspect: the value carries its own claims (a JWT), readable without a read endpoint. */
  readonly introspect: boolean;
  /** revokeNeedsValue: revocation presents the token value itself, so the value must be kept. */
  readonly revokeNeedsValue: boolean;
  /** roll: a token's value can be replaced in place, keeping its id; the old value dies at once. */
  readonly roll: boolean;
  /** expiry: who decides when a token expires. */
  readonly expiry: ExpiryCapability;
  /** fixedLifetimeSeconds: the imposed lifetime when expiry is `fixed`. */
  readonly fixedLifetimeSeconds?: number;
  /** nameMaxLength: the longest display name the platform accepts, when tokens have names. */
  readonly nameMaxLength?: number;
  /** credentialKeys: the keys the connection's credentials Secret must hold. */
  readonly credentialKeys: readonly string[];
  /** defaultRequestsPerSecond: the sustained request rate the platform's published limit allows. */
  readonly defaultRequestsPerSecond: number;
  /** defaultBaseUrl: the platform's public API base URL. */
  readonly defaultBaseUrl: string;
}
