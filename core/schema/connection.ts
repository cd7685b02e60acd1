import { z } from 'zod';
import { admit, celString } from './admission.js';
import { field } from './meta.js';
import { platformSchema } from './platform.js';

// Plain http is for the sandbox on this machine only: any other host would
// receive admin credentials in clear text, readable and replayable by anyone
// on the path. The URL parser has already normalised the host (127.1 is
// 127.0.0.1, [0:0::1] is [::1]), so these exact forms are the whole rule.
const loopbackHost = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

// The same rule for the CRD, where CEL has no URL parser: a plain http URL
// must name a loopback host spelled as above and go straight on to a port,
// a path or the end (so http://localhost@evil.example or
// http://127.0.0.1.evil.example do not pass). Lower-cased first, as the URL
// parser would. Spellings the parser would normalise (http://127.1) are
// refused at admission though the rule below accepts them: stricter, never
// looser.
const plainHttpLoopback = '^http://(?:localhost|127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\[::1\\])(?::[0-9]{1,5})?(?:[/?#].*)?$';
const cleartextMessage = 'must use https: plain http would send the credentials unencrypted; http is allowed only for a loopback host (localhost, 127.0.0.0/8, ::1) such as the local sandbox';

/**
 * baseUrlProblem says why a platform base URL must not carry credentials, or
 * returns undefined when it may: https anywhere, plain http only to a
 * loopback host (localhost, 127.0.0.0/8, ::1), where the sandbox runs. The
 * connection schema, the operator's connection checks and the Terraform
 * provider's base_url settings all apply this one rule.
 */
export function baseUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an http(s) URL such as https://api.bigcommerce.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an http(s) URL, got scheme "${url.protocol.replace(/:$/, '')}"`;
  return cleartextProblem(url);
}

// The https-or-loopback half of the rule, for a URL already known to be http(s).
function cleartextProblem(url: URL): string | undefined {
  if (url.protocol !== 'http:' || loopbackHost.test(url.hostname)) return undefined;
  return cleartextMessage.replace('unencrypted', `unencrypted to ${url.hostname}`);
}

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
