import { z } from 'zod';
import { platforms, type RegisteredPlatform } from '../platforms/registry.js';

/** PlatformName is a platform whose token API StorefrontToken reconciles: one registered in core/platforms/registry.ts. */
export type PlatformName = RegisteredPlatform;

/** platformNames lists the registered platforms, in registry order. */
export const platformNames = Object.keys(platforms) as [PlatformName, ...PlatformName[]];

/** platformSchema validates a platform name with a message listing the choices. */
export const platformSchema = z.enum(platformNames, {
  error: () => `must be one of ${platformNames.join(', ')}`,
});
