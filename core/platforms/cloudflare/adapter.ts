import type { PlatformAdapter } from '../../contract/adapter.js';
import { cloudflareCapabilities } from './capabilities.js';
import { CloudflareClient } from './client.js';

/** cloudflareAdapter manages Cloudflare account-owned API tokens. */
export const cloudflareAdapter: PlatformAdapter = {
  platform: 'cloudflare',
  capabilities: cloudflareCapabilities,
  connect: (connection, options) => new CloudflareClient(connection, options),
};
