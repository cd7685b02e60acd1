import type { PlatformAdapter } from '../../contract/adapter.js';
import { bigcommerceCapabilities } from './capabilities.js';
import { BigCommerceClient } from './client.js';

/** bigcommerceAdapter issues and revokes BigCommerce GraphQL Storefront API tokens. */
export const bigcommerceAdapter: PlatformAdapter = {
  platform: 'bigcommerce',
  capabilities: bigcommerceCapabilities,
  connect: (connection, options) => new BigCommerceClient(connection, options),
};
