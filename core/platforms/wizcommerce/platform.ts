import type { Platform } from '../../contract/platform.js';
import { wizcommerceAdapter } from './adapter.js';
import { wizcommerceSpecSchema } from './spec.js';

/** wizcommercePlatform is WizCommerce's entry in the platform registry. */
export const wizcommercePlatform: Platform<typeof wizcommerceSpecSchema> = {
  spec: wizcommerceSpecSchema,
  description: 'WizCommerce settings; required when platform is wizcommerce.',
  adapter: wizcommerceAdapter,
};
