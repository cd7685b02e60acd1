import type { Reply } from '../platform.js';
import type { RateInfo } from '../rate-limiter.js';

/**
 * WizCommerce's error envelope is unconfirmed; the sandbox uses
 * `{code, message, details:[{field, reason}]}` with UPPER_SNAKE codes, the
 * shape the platform note found hinted at (see docs/sandbox.md).
 */
export function wizError(status: number, code: string, message: string, details: readonly { field: string; reason: string }[] = []): Reply {
  return { status, body: { code, message, details } };
}

/** wizRateLimitHeaders are assumed `X-RateLimit-*` headers (WizCommerce documents no limits); Reset is in seconds. */
export function wizRateLimitHeaders(info: RateInfo): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(info.limit),
    'X-RateLimit-Remaining': String(info.remaining),
    'X-RateLimit-Reset': String(Math.ceil(info.resetMs / 1000)),
  };
}

/** wizTooManyRequests is the assumed 429 answer. */
export function wizTooManyRequests(info: RateInfo): Reply {
  const r = wizError(429, 'RATE_LIMITED', 'Too many requests, retry later');
  return { ...r, headers: { 'Retry-After': String(Math.max(1, Math.ceil(info.resetMs / 1000))) } };
}
