import type { Capabilities } from '../../contract/capabilities.js';

/**
 * wizcommerceCapabilities: create with account credentials; a token can only
 * revoke itself, and every token lives one year. No list or read endpoint is
 * documented, and no rate limit either (we assume a modest 5/s).
 */
export const wizcommerceCapabilities: Capabilities = {
  read: false,
  list: false,
  idempotentCreate: false,
  introspect: false,
  revokeNeedsValue: true,
  roll: false,
  expiry: 'fixed',
  fixedLifetimeSeconds: 365 * 86_400,
  credentialKeys: ['email', 'password'],
  defaultRequestsPerSecond: 5,
  // Undocumented: the sandbox's assumed X-RateLimit-* headers; a reset may be seconds or a Unix time.
  rateLimitHeaders: {
    remaining: 'X-RateLimit-Remaining',
    limit: 'X-RateLimit-Limit',
    reset: [{ header: 'X-RateLimit-Reset', unit: 'epochOrDeltaSeconds' }],
    retryAfter: [{ header: 'Retry-After', unit: 'retryAfter' }],
  },
  defaultBaseUrl: 'https://api.wizcommerce.com',
};
