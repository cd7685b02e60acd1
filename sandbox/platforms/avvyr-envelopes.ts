import type { Reply } from '../platform.js';
import type { RateInfo } from '../rate-limiter.js';

/** AvvyrErrorCode is the closed set of error codes of our assumed Avvyr API (see sandbox/openapi/avvyr.openapi.yaml). */
export type AvvyrErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'not_found'
  | 'token_revoked'
  | 'idempotency_key_reused'
  | 'origin_not_allowed'
  | 'rate_limited'
  | 'internal';

/** AvvyrDetail names one invalid field, e.g. `allowedOrigins[1]`. */
export interface AvvyrDetail {
  readonly field: string;
  readonly reason: string;
}

/** avvyrError renders `{error:{code, message, details?}}`. */
export function avvyrError(status: number, code: AvvyrErrorCode, message: string, details?: readonly AvvyrDetail[]): Reply {
  const error = details === undefined || details.length === 0 ? { code, message } : { code, message, details };
  return { status, body: { error } };
}

/** avvyrRateLimitHeaders follow the IETF RateLimit header draft: limit, remaining, reset in seconds. */
export function avvyrRateLimitHeaders(info: RateInfo): Record<string, string> {
  return {
    'RateLimit-Limit': String(info.limit),
    'RateLimit-Remaining': String(info.remaining),
    'RateLimit-Reset': String(Math.ceil(info.resetMs / 1000)),
  };
}

/** avvyrTooManyRequests is the 429 answer with Retry-After seconds. */
export function avvyrTooManyRequests(info: RateInfo): Reply {
  const r = avvyrError(429, 'rate_limited', 'Rate limit exceeded: 600 requests per minute per API key');
  return { ...r, headers: { 'Retry-After': String(Math.max(1, Math.ceil(info.resetMs / 1000))) } };
}
