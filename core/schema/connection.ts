import { z } from 'zod';
import { field } from './meta.js';
import { platformSchema } from './platform.js';

/**
 * platformConnectionSpecSchema is how to reach one platform: which platform,
 * an optional base URL (so the sandbox can stand in), and a reference to the
 * Secret holding credentials. Credentials are never inline.
 */
export const platformConnectionSpecSchema = z.strictObject({
  platform: field(platformSchema, { description: 'Platform this connection talks to.', change: 'immutable' }),
  baseUrl: field(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://api.bigcommerce.com' }).optional(), {
    description: 'Override of the platform API base URL, e.g. the sandbox\'s. Defaults to the platform\'s public API.',
  }),
  credentialsSecretRef: field(z.strictObject({
    name: z.string().min(1).max(253),
    namespace: field(z.string().min(1).max(63).optional(), {
      description: 'Namespace of the credentials Secret; only for ClusterPlatformConnection.',
    }),
  }), {
    description: 'Secret with the credentials. Keys: bigcommerce accessToken; cloudflare apiToken; wizcommerce email and password; avvyr apiKey.',
  }),
  requestsPerSecond: field(z.number().positive().max(1000).optional(), {
    description: 'Client-side request rate toward this platform. Defaults to the platform\'s published limit.',
  }),
});

/** PlatformConnectionSpec is a parsed connection spec. */
export type PlatformConnectionSpec = z.output<typeof platformConnectionSpecSchema>;
