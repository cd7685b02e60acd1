import { z } from 'zod';
import { admit, celString } from './admission.js';

/** ORIGIN_MAX_LENGTH bounds one origin: scheme, a 253-character host name and a port. */
export const ORIGIN_MAX_LENGTH = 300;

// The shape both sides accept: http(s), a lowercase DNS name or a bracketed
// IPv6 address, an optional port without leading zeros, nothing after it.
// RE2-compatible, so the same source is a CEL regular expression.
const ORIGIN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:[1-9][0-9]{0,4})?$/;

const problems = {
  notOrigin: 'must be an origin such as https://shop.example.com',
  scheme: 'must use the http or https scheme',
  slash: 'must not end with a slash (write https://shop.example.com, not https://shop.example.com/)',
  path: 'must not contain a path, query or fragment',
  credentials: 'must not contain credentials',
  wildcard: 'must not contain a wildcard',
  shape: 'must be scheme://host[:port] with a lowercase host name or IP address',
  port: 'must be written in canonical form: a port from 1 to 65535, and no :443 on https or :80 on http',
} as const;

/**
 * originProblem explains why a CORS origin is unacceptable, or returns
 * undefined. An origin is scheme + host [+ port]: BigCommerce answers 422
 * `has_invalid_suffix` for a trailing slash, and a path can never match a
 * browser's Origin header, so both are rejected here, before any network call.
 */
export function originProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problems.notOrigin;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return problems.scheme;
  if (text.endsWith('/')) return problems.slash;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return problems.path;
  if (url.username !== '' || url.password !== '') return problems.credentials;
  if (url.hostname.includes('*') || text.includes('*')) return problems.wildcard;
  if (url.origin !== text) return `must be written in canonical form: ${url.origin}`;
  // The CEL twin below can only match text, so refuse here whatever it refuses.
  if (!ORIGIN.test(text)) return problems.shape;
  return undefined;
}

// CEL picks the same reason originProblem would, in the same order, so a
// person reads the same words from kubectl and from terraform validate.
const reasonExpression = [
  `!self.matches('^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]') ? '${problems.notOrigin}'`,
  `!self.matches('^(?i)https?://') ? '${problems.scheme}'`,
  `self.endsWith('/') ? '${problems.slash}'`,
  `self.matches('^[^:]+://[^/?#]+[/?#]') ? '${problems.path}'`,
  `self.matches('^[^:]+://[^/?#]*@') ? '${problems.credentials}'`,
  `self.contains('*') ? '${problems.wildcard}'`,
  `'${problems.shape}'`,
].join(' : ');

const shape = celString(ORIGIN.source);

/** originSchema is one allowed CORS origin: scheme://host[:port], no path, no trailing slash. */
export const originSchema = admit(
  z.string().max(ORIGIN_MAX_LENGTH).superRefine((text, ctx) => {
    const problem = originProblem(text);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  [
    { rule: `self.matches(${shape})`, messageExpression: reasonExpression },
    // Guarded by the shape, so a malformed origin reports one reason, not two.
    {
      rule: `!self.matches(${shape}) || !self.matches(':[0-9]+$') || (int(self.substring(self.lastIndexOf(':') + 1)) <= 65535 && !(self.startsWith('https://') && self.endsWith(':443')) && !(self.startsWith('http://') && self.endsWith(':80')))`,
      message: problems.port,
    },
  ],
);
