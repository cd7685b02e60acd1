import type { PlatformAdapter } from '../../contract/adapter.js';
import { avvyrCapabilities } from './capabilities.js';
import { AvvyrClient } from './client.js';

/** avvyrAdapter manages Avvyr tenant- and market-level storefront tokens (our assumed API). */
export const avvyrAdapter: PlatformAdapter = {
  platform: 'avvyr',
  capabilities: avvyrCapabilities,
  connect: (connection, options) => new AvvyrClient(connection, options),
};
