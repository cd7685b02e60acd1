import { z } from 'zod';
import type { ErrorMessageReader, RateLimitReader } from '../http/http-client.js';
import { millisecondsHeader, remainingIsZero, secondsHeader } from '../http/retry-after.js';

/**
 * readBigCommerceRateLimit honours X-Rate-Limit-Time-Reset-Ms (the wait until
 * the 30-second quota refreshes) on a 429 or when X-Rate-Limit-Requests-Left
 * reaches 0; X-Retry-After (seconds) is the fallback. A 429 without headers
 * means platform load, and gets plain backoff.
 */
export const readBigCommerceRateLimit: RateLimitReader = ({ status, headers }) => {
  const exhausted = status === 429 || remainingIsZero(headers.get('x-rate-limit-requests-left'));
  if (!exhausted) return undefined;
  return millisecondsHeader(headers.get('x-rate-limit-time-reset-ms')) ?? secondsHeader(headers.get('x-retry-after'));
};

const errorSchema = z.looseObject({
  title: z.string().optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
});

/** readBigCommerceError joins `title` and the `errors` map of BigCommerce's ErrorResponse. */
export const readBigCommerceError: ErrorMessageReader = (body) => {
  if (typeof body === 'string') return body;
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const details = Object.entries(parsed.data.errors ?? {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [parsed.data.title, ...details].filter((s) => s !== undefined && s !== '').join('; ');
};
