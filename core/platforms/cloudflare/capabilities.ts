import type { Capabilities } from '../../contract/capabilities.js';

/**
 * cloudflareCapabilities: full CRUD plus roll and verify on account tokens.
 * 1200 requests per 5 minutes per user is 4/s; names are at most 120 chars.
 */
export const cloudflareCapabilities: Capabilities = {
  read: true,
  list: true,
  idempotentCreate: false,
  introspect: false,
  revokeNeedsValue: false,
  roll: true,
  expiry: 'optional',
  nameMaxLength: 120,
  credentialKeys: ['apiToken'],
  defaultRequestsPerSecond: 4,
  // Answers carry x-ratelimit-remaining, but the reset only on a 429: we keep the pace and honour the 429's wait.
  rateLimitHeaders: {
    remaining: 'x-ratelimit-remaining',
    limit: 'x-ratelimit-limit',
    reset: [
      { header: 'x-ratelimit-reset', unit: 'httpDate' },
      { header: 'ratelimit-reset', unit: 'seconds' },
    ],
    retryAfter: [{ header: 'retry-after', unit: 'retryAfter' }],
  },
  defaultBaseUrl: 'https://api.cloudflare.com/client/v4',
};
