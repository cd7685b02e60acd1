/**
 * ExpiryCapability says who decides when a token expires:
 * - `required`: the caller must give an expiry (BigCommerce's expires_at);
 * - `optional`: the caller may give one (Cloudflare's expires_on);
 * - `fixed`: the platform imposes a lifetime the caller cannot change;
 * - `none`: tokens live until revoked.
 */
export type ExpiryCapability = 'required' | 'optional' | 'fixed' | 'none';

/**
 * HeaderTime is how a rate-limit header writes a time:
 * - `milliseconds` / `seconds`: a delay from now (BigCommerce's reset is in ms);
 * - `httpDate`: an RFC 1123 date;
 * - `retryAfter`: RFC 9110 Retry-After, delay seconds or an HTTP date;
 * - `epochOrDeltaSeconds`: seconds from now, or a Unix time when it can only be one.
 */
export type HeaderTime = 'milliseconds' | 'seconds' | 'httpDate' | 'retryAfter' | 'epochOrDeltaSeconds';

/** A TimedHeader names one header that carries a time, and how it writes it. */
export interface TimedHeader {
  readonly header: string;
  readonly unit: HeaderTime;
}

/**
 * RateLimitHeaders are the rate-limit headers a platform sends and what they
 * mean. With `remaining` and a `reset` in one answer the shared HTTP layer
 * spends each window's budget as it opens and waits for the reset when it is
 * spent; a platform that sends neither is paced at defaultRequestsPerSecond.
 */
export interface RateLimitHeaders {
  /** remaining is the header with the requests left in the current window. */
  readonly remaining: string;
  /** limit is the header with the whole budget of a window. */
  readonly limit?: string;
  /** reset lists headers with the time until the current window ends; the first present wins. */
  readonly reset: readonly TimedHeader[];
  /** window is the header with a window's length, when the platform sends it. */
  readonly window?: TimedHeader;
  /** retryAfter lists headers with the wait a 429 asks for; the first present wins, else `reset`. */
  readonly retryAfter: readonly TimedHeader[];
}

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
  /** defaultRequestsPerSecond: the sustained rate we pace at while the platform's answers carry no budget. */
  readonly defaultRequestsPerSecond: number;
  /** rateLimitHeaders: the rate-limit headers the platform sends, if any. */
  readonly rateLimitHeaders?: RateLimitHeaders;
  /** defaultBaseUrl: the platform's public API base URL. */
  readonly defaultBaseUrl: string;
}
