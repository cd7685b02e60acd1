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
  defaultBaseUrl: 'https://api.avvyr.com',
};
