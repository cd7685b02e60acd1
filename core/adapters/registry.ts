import type { PlatformName } from '../schema/platform.js';
import type { PlatformAdapter } from './adapter.js';
import { avvyrAdapter } from './avvyr/adapter.js';
import { bigcommerceAdapter } from './bigcommerce/adapter.js';
import { cloudflareAdapter } from './cloudflare/adapter.js';
import { wizcommerceAdapter } from './wizcommerce/adapter.js';

/** adapters maps every platform to its adapter; an explicit table, not self-registration. */
export const adapters: Readonly<Record<PlatformName, PlatformAdapter>> = {
  bigcommerce: bigcommerceAdapter,
  cloudflare: cloudflareAdapter,
  wizcommerce: wizcommerceAdapter,
  avvyr: avvyrAdapter,
};

/** adapterFor returns the adapter of one platform. */
export function adapterFor(platform: PlatformName): PlatformAdapter {
  return adapters[platform];
}
