import type { Capabilities } from '../../contract/capabilities.js';

/**
 * bigcommerceCapabilities: create and revoke only. Revocation presents the
 * JWT itself, and the JWT's claims (channels, origins, expiry) are the only
 * way to see a token's settings. BigCommerce documents 150 requests per 30 s
 * per store on Standard plans, in fixed windows, and every answer carries the
 * window's budget in `X-Rate-Limit-*` headers (docs: api-rate-limits.mdx), so
 * the HTTP layer spends each window as it opens; 4.8/s, just under the
 * average rate, is only the pace of the first requests, before any answer.
 */
export const bigcommerceCapabilities: Capabilities = {
  read: false,
  list: false,
  idempotentCreate: false,
  introspect: true,
  revokeNeedsValue: true,
  roll: false,
  expiry: 'required',
  credentialKeys: ['accessToken'],
  defaultRequestsPerSecond: 4.8,
  rateLimitHeaders: {
    remaining: 'X-Rate-Limit-Requests-Left',
    limit: 'X-Rate-Limit-Requests-Quota',
    reset: [{ header: 'X-Rate-Limit-Time-Reset-Ms', unit: 'milliseconds' }],
    window: { header: 'X-Rate-Limit-Time-Window-Ms', unit: 'milliseconds' },
    // "On a 429, wait X-Rate-Limit-Time-Reset-Ms"; X-Retry-After (seconds) is the older header.
    retryAfter: [
      { header: 'X-Rate-Limit-Time-Reset-Ms', unit: 'milliseconds' },
      { header: 'X-Retry-After', unit: 'seconds' },
    ],
  },
  defaultBaseUrl: 'https://api.bigcommerce.com',
};
