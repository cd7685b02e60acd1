import type { PlatformAdapter } from '../contract/adapter.js';
import type { Capabilities } from '../contract/capabilities.js';
import { avvyrPlatform } from './avvyr/platform.js';
import { bigcommercePlatform } from './bigcommerce/platform.js';
import { cloudflarePlatform } from './cloudflare/platform.js';
import { wizcommercePlatform } from './wizcommerce/platform.js';

/**
 * platforms is the one registry: every platform, one line each, in the order
 * the generated CRD, Terraform schema and docs list them. Adding a platform
 * is its folder (spec, checks, capabilities, adapter), the sandbox, and a
 * line here; nothing else names it.
 */
export const platforms = {
  bigcommerce: bigcommercePlatform,
  cloudflare: cloudflarePlatform,
  wizcommerce: wizcommercePlatform,
  avvyr: avvyrPlatform,
} as const;

/** RegisteredPlatform is the name of a registered platform. */
export type RegisteredPlatform = keyof typeof platforms;

/** adapterFor returns the adapter of one platform. */
export function adapterFor(platform: RegisteredPlatform): PlatformAdapter {
  return platforms[platform].adapter;
}

/**
 * capabilityTable maps each platform to its adapter's declared capabilities.
 * Validation reads it before any adapter is constructed, so bad input is
 * rejected without touching the network.
 */
export const capabilityTable = Object.fromEntries(
  Object.entries(platforms).map(([name, p]) => [name, p.adapter.capabilities]),
) as Readonly<Record<RegisteredPlatform, Capabilities>>;
