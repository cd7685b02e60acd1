import { z } from 'zod';

/** platformNames lists the platforms whose token APIs StorefrontToken reconciles. */
export const platformNames = ['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr'] as const;

/** PlatformName is one of platformNames. */
export type PlatformName = (typeof platformNames)[number];

/** platformSchema validates a platform name with a message listing the choices. */
export const platformSchema = z.enum(platformNames, {
  error: () => `must be one of ${platformNames.join(', ')}`,
});
