import { z } from 'zod';

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
    return 'must be an origin such as https://shop.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use the http or https scheme';
  if (text.endsWith('/')) return 'must not end with a slash (write https://shop.example.com, not https://shop.example.com/)';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return 'must not contain a path, query or fragment';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hostname.includes('*') || text.includes('*')) return 'must not contain a wildcard';
  if (url.origin !== text) return `must be written in canonical form: ${url.origin}`;
  return undefined;
}

/** originSchema is one allowed CORS origin: scheme://host[:port], no path, no trailing slash. */
export const originSchema = z.string().superRefine((text, ctx) => {
  const problem = originProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
