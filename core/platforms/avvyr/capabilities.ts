import type { Capabilities } from '../../contract/capabilities.js';

/**
 * avvyrCapabilities: our assumed API (docs/avvyr-api.md): create with an
 * Idempotency-Key, list, get, update name and origins in place, revoke.
 * Tokens do not expire. 600 requests per minute per key is 10/s.
 */
export const avvyrCapabilities: Capabilities = {
  read: true,
  list: true,
  idempotentCreate: true,
  introspect: false,
  revokeNeedsValue: false,
  roll: false,
  expiry: 'none',
  nameMaxLength: 100,
  credentialKeys: ['apiKey'],
  defaultRequestsPerSecond: 10,
  // Our API document's IETF-draft RateLimit-* headers, reset in seconds.
  rateLimitHeaders: {
    remaining: 'RateLimit-Remaining',
    limit: 'RateLimit-Limit',
    reset: [{ header: 'RateLimit-Reset', unit: 'seconds' }],
    retryAfter: [{ header: 'Retry-After', unit: 'retryAfter' }],
  },
  defaultBaseUrl: 'https://api.avvyr.com',
};
