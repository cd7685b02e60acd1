import { CoreError } from '../../errors.js';
import type { PlatformName } from '../../schema/platform.js';
import type { HttpMethod } from './http-client.js';

/** MaxRedirects bounds the redirects one attempt follows (fetch allows 20; a token API needs none or one). */
export const MaxRedirects = 5;

const RedirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** isRedirect tells whether a status asks the client to go elsewhere. */
export function isRedirect(status: number): boolean {
  return RedirectStatuses.has(status);
}

/** A RedirectHop is where to send the request next, and whether its body goes along. */
export interface RedirectHop {
  readonly url: URL;
  readonly method: HttpMethod;
  /** keepBody is false when the redirect turns the request into a GET. */
  readonly keepBody: boolean;
}

/** RedirectInput is one redirect answer and the request that got it. */
export interface RedirectInput {
  readonly platform: PlatformName;
  /** label names the call in messages, e.g. "avvyr create". */
  readonly label: string;
  readonly from: URL;
  readonly method: HttpMethod;
  readonly status: number;
  /** location is the raw Location header, if any. */
  readonly location: string | null;
  /** hops is how many redirects this attempt already followed. */
  readonly hops: number;
}

/**
 * nextHop decides whether a redirect may be followed, the way fetch would
 * (307/308 keep method and body; 303, and 301/302 after a POST, become a
 * GET), with one rule fetch does not have: every request carries the
 * connection's credentials in its headers, so a redirect to another scheme,
 * host or port is never followed. fetch would strip only the Authorization
 * header across origins, and our platforms also use X-Auth-Token and API-key
 * headers; an https-to-http redirect would send them in clear text. Such a
 * redirect is ERR_CONNECTION_INVALID naming both origins, so the person who
 * configured the base URL can point it at the final address.
 */
export function nextHop(input: RedirectInput): RedirectHop {
  const { platform, label, from, status } = input;
  if (input.location === null || input.location === '') {
    throw new CoreError('ERR_PLATFORM_PROTOCOL', `${label}: HTTP ${status} redirect without a Location header`, { platform, status });
  }
  if (!URL.canParse(input.location, from.href)) {
    throw new CoreError('ERR_PLATFORM_PROTOCOL', `${label}: HTTP ${status} redirect to an unreadable Location`, { platform, status });
  }
  const url = new URL(input.location, from);
  if (url.origin !== from.origin) {
    throw new CoreError(
      'ERR_CONNECTION_INVALID',
      `${label}: the platform redirected from ${from.origin} to ${url.origin} (HTTP ${status}); requests carry credentials, so they are never sent to another scheme or host. Set the connection's base URL to the address the platform really serves`,
      { platform, status },
    );
  }
  if (input.hops >= MaxRedirects) {
    throw new CoreError('ERR_PLATFORM_PROTOCOL', `${label}: more than ${MaxRedirects} redirects`, { platform, status });
  }
  const toGet = status === 303 ? input.method !== 'GET' : (status === 301 || status === 302) && input.method === 'POST';
  return toGet ? { url, method: 'GET', keepBody: false } : { url, method: input.method, keepBody: true };
}
