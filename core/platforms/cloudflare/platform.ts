import type { Platform } from '../../contract/platform.js';
import { cloudflareAdapter } from './adapter.js';
import { cloudflareChecks } from './checks.js';
import { cloudflareSpecSchema } from './spec.js';

/** cloudflarePlatform is Cloudflare's entry in the platform registry. */
export const cloudflarePlatform: Platform<typeof cloudflareSpecSchema> = {
  spec: cloudflareSpecSchema,
  description: 'Cloudflare settings; required when platform is cloudflare.',
  checks: cloudflareChecks,
  adapter: cloudflareAdapter,
};
