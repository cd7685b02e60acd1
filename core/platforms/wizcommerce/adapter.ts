import type { PlatformAdapter } from '../../contract/adapter.js';
import { wizcommerceCapabilities } from './capabilities.js';
import { WizCommerceClient } from './client.js';

/** wizcommerceAdapter issues and revokes WizCommerce API tokens. */
export const wizcommerceAdapter: PlatformAdapter = {
  platform: 'wizcommerce',
  capabilities: wizcommerceCapabilities,
  connect: (connection, options) => new WizCommerceClient(connection, options),
};
