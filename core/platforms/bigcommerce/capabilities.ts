import type { Capabilities } from '../../contract/capabilities.js';

/**
 * bigcommerceCapabilities: create and revoke only. Revocation presents the
 * JWT itself, and the JWT's claims (channels, origins, expiry) are the only
 * way to see a token's settings; BigCommerce documents 150 requests per 30 s
 * per store on Standard plans. We pace at 4.8/s, just under 5/s, because a
 * client at exactly the quota lands on window boundaries and collects 429s.
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
  defaultBaseUrl: 'https://api.bigcommerce.com',
};
