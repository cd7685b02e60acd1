import type { Reply } from '../platform.js';
import type { RateInfo } from '../rate-limiter.js';

/** BC_ERROR_TYPE is the `type` URL BigCommerce puts in every v3 error body. */
export const BC_ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

/** bcError renders BigCommerce's v3 ErrorResponse: `{status, title, type, errors}`. */
export function bcError(status: number, title: string, errors: Record<string, string> = {}): Reply {
  return { status, body: { status, title, type: BC_ERROR_TYPE, errors } };
}

/**
 * bcFieldErrors renders a 422 the way BigCommerce reports invalid fields: the
 * title lists `field:rule` keys and `errors` maps each key to a sentence (the
 * shape observed in bigcommerce/docs issue #377).
 */
export function bcFieldErrors(errors: Record<string, string>): Reply {
  return bcError(422, `The following fields are invalid: ${Object.keys(errors).join(', ')}`, errors);
}

/** bcRateLimitHeaders are sent on every management response, as BigCommerce does. */
export function bcRateLimitHeaders(info: RateInfo): Record<string, string> {
  return {
    'X-Rate-Limit-Time-Window-Ms': String(info.windowMs),
    'X-Rate-Limit-Time-Reset-Ms': String(info.resetMs),
    'X-Rate-Limit-Requests-Quota': String(info.limit),
    'X-Rate-Limit-Requests-Left': String(info.remaining),
  };
}

/** bcTooManyRequests is the 429 answer; clients wait X-Rate-Limit-Time-Reset-Ms. */
export function bcTooManyRequests(info: RateInfo): Reply {
  const r = bcError(429, 'Too many requests', {});
  return { ...r, headers: { 'X-Retry-After': String(Math.ceil(info.resetMs / 1000)) } };
}
