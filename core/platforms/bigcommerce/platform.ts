import type { Platform } from '../../contract/platform.js';
import { bigcommerceAdapter } from './adapter.js';
import { bigcommerceSpecSchema } from './spec.js';

/** bigcommercePlatform is BigCommerce's entry in the platform registry. */
export const bigcommercePlatform: Platform<typeof bigcommerceSpecSchema> = {
  spec: bigcommerceSpecSchema,
  description: 'BigCommerce settings; required when platform is bigcommerce.',
  adapter: bigcommerceAdapter,
};
