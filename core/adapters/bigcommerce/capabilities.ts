import type { Capabilities } from '../capabilities.js';

/**
 * bigcommerceCapabilities: create and revoke only. Revocation presents the
 * JWT itself, and the JWT's claims (channels, origins, expiry) are the only
 * way to see a token's settings; BigCommerce documents 150 requests per 30 s
 * per store on Standard plans.
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
  defaultRequestsPerSecond: 5,
  defaultBaseUrl: 'https://api.bigcommerce.com',
};
