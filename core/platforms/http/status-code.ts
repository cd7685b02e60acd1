import type { CoreErrorCode } from '../../errors.js';

/** codeForStatus maps an HTTP error status to the stable CoreError code front ends branch on. */
export function codeForStatus(status: number): CoreErrorCode {
  if (status === 401) return 'ERR_PLATFORM_AUTH';
  if (status === 403) return 'ERR_PLATFORM_FORBIDDEN';
  if (status === 404 || status === 410) return 'ERR_PLATFORM_NOT_FOUND';
  if (status === 409) return 'ERR_PLATFORM_CONFLICT';
  if (status === 429) return 'ERR_PLATFORM_RATE_LIMITED';
  if (status === 408 || status === 504) return 'ERR_PLATFORM_TIMEOUT';
  if (status >= 500) return 'ERR_PLATFORM_UNAVAILABLE';
  if (status === 400 || status === 413 || status === 422) return 'ERR_PLATFORM_VALIDATION';
  return 'ERR_PLATFORM_PROTOCOL';
}

/**
 * createRejectedUnprocessed lists the statuses that guarantee a create did
 * not land, so it may be retried even without an idempotency key: 429 (the
 * request was refused by the rate limiter before any handling) and 503 (the
 * service refused the request; BigCommerce uses it for maintenance). Every
 * other 5xx (500, 502, 504…) may follow a commit and leaves the create in
 * doubt.
 */
export const createRejectedUnprocessed: ReadonlySet<number> = new Set([429, 503]);
