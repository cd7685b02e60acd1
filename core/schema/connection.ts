import { z } from 'zod';
import { admit, celString } from './admission.js';
import { field } from './meta.js';
import { platformSchema } from './platform.js';
import { cleartextMessage, cleartextProblem, plainHttpLoopback } from './base-url.js';

/**
 * platformConnectionSpecSchema is how to reach one platform: which platform,
 * an optional base URL (so the sandbox can stand in), and a reference to the
 * Secret holding credentials. Credentials are never inline.
 */
export const platformConnectionSpecSchema = z.strictObject({
  platform: field(platformSchema, { description: 'Platform this connection talks to.', change: 'immutable' }),
  baseUrl: field(
    admit(
      z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://api.bigcommerce.com' })
        .max(2048, { message: 'must be at most 2048 characters' })
        // z.url reports unparseable URLs and other schemes; this adds only the cleartext rule, so one mistake is one issue.
        .superRefine((value, ctx) => {
          const problem = URL.canParse(value) ? cleartextProblem(new URL(value)) : undefined;
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
        }),
      [{ rule: `!self.lowerAscii().startsWith('http://') || self.lowerAscii().matches(${celString(plainHttpLoopback)})`, message: cleartextMessage }],
    ).optional(),
    {
      description: 'Override of the platform API base URL, e.g. the sandbox\'s. Defaults to the platform\'s public API. Must be https, except for a loopback host (localhost, 127.0.0.0/8, ::1).',
    },
  ),
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
