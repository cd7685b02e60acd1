import type { PlatformName } from '../schema/platform.js';
import { avvyrCapabilities } from './avvyr/capabilities.js';
import { bigcommerceCapabilities } from './bigcommerce/capabilities.js';
import type { Capabilities } from './capabilities.js';
import { cloudflareCapabilities } from './cloudflare/capabilities.js';
import { wizcommerceCapabilities } from './wizcommerce/capabilities.js';

/**
 * capabilityTable maps each platform to its adapter's declared capabilities.
 * Validation reads it before any adapter is constructed, so bad input is
 * rejected without touching the network.
 */
export const capabilityTable: Readonly<Record<PlatformName, Capabilities>> = {
  bigcommerce: bigcommerceCapabilities,
  cloudflare: cloudflareCapabilities,
  wizcommerce: wizcommerceCapabilities,
  avvyr: avvyrCapabilities,
};
