// Kept apart from the connection schema, with no imports: the shared HTTP
// layer applies the same rule before every request, and must not pull the
// schema (and through it the platform registry) into its own import graph.

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
/** plainHttpLoopback is the cleartext rule as an RE2 pattern, for the CRD's CEL. */
export const plainHttpLoopback = '^http://(?:localhost|127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\[::1\\])(?::[0-9]{1,5})?(?:[/?#].*)?$';
/** cleartextMessage says why plain http is refused. */
export const cleartextMessage = 'must use https: plain http would send the credentials unencrypted; http is allowed only for a loopback host (localhost, 127.0.0.0/8, ::1) such as the local sandbox';

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

/** cleartextProblem is the https-or-loopback half of the rule, for a URL already known to be http(s). */
export function cleartextProblem(url: URL): string | undefined {
  if (url.protocol !== 'http:' || loopbackHost.test(url.hostname)) return undefined;
  return cleartextMessage.replace('unencrypted', `unencrypted to ${url.hostname}`);
}
