import type { Reply } from '../platform.js';
import type { RateInfo } from '../rate-limiter.js';

/** CfMessage is one entry of Cloudflare's `errors` or `messages` arrays. */
export interface CfMessage {
  readonly code: number;
  readonly message: string;
}

/** cfSuccess renders Cloudflare's success envelope `{success, errors, messages, result, result_info?}`. */
export function cfSuccess(result: unknown, extra: { resultInfo?: unknown; messages?: readonly CfMessage[] } = {}): Reply {
  const body: Record<string, unknown> = { success: true, errors: [], messages: extra.messages ?? [], result };
  if (extra.resultInfo !== undefined) body['result_info'] = extra.resultInfo;
  return { status: 200, body };
}

/** cfFailure renders `iam_api-response-common-failure`: `{success:false, errors:[{code,message}], messages:[], result:null}`. */
export function cfFailure(status: number, code: number, message: string, headers?: Record<string, string>): Reply {
  const body = { success: false, errors: [{ code, message }], messages: [], result: null };
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** CF_INVALID_REQUEST is the sandbox's code for field validation failures (the live code per field is undocumented). */
export const CF_INVALID_REQUEST = 1001;

/** cfRateLimitHeaders are the documented `x-ratelimit-*` headers, sent on every management response. */
export function cfRateLimitHeaders(info: RateInfo): Record<string, string> {
  return { 'x-ratelimit-limit': String(info.limit), 'x-ratelimit-remaining': String(info.remaining) };
}

/** cfTooManyRequests is the 429 answer, with `retry-after` seconds and `x-ratelimit-reset` as an RFC 1123 date. */
export function cfTooManyRequests(info: RateInfo, now: number): Reply {
  return cfFailure(429, 10000, 'Rate limited. Please wait and consider throttling your request speed', {
    'retry-after': String(Math.max(1, Math.ceil(info.resetMs / 1000))),
    'x-ratelimit-reset': new Date(now + info.resetMs).toUTCString(),
  });
}
