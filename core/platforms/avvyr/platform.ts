import type { Platform } from '../../contract/platform.js';
import { avvyrAdapter } from './adapter.js';
import { avvyrSpecSchema } from './spec.js';

/** avvyrPlatform is Avvyr's entry in the platform registry. */
export const avvyrPlatform: Platform<typeof avvyrSpecSchema> = {
  spec: avvyrSpecSchema,
  description: 'Avvyr settings; required when platform is avvyr.',
  adapter: avvyrAdapter,
};
