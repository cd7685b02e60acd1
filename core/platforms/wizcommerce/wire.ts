import { z } from 'zod';
import type { ErrorMessageReader, RateLimitReader } from '../http/http-client.js';
import { epochOrDeltaSecondsHeader, remainingIsZero, retryAfterHeader } from '../http/retry-after.js';

/**
 * readWizCommerceRateLimit honours `Retry-After` on a 429, then
 * `X-RateLimit-Reset` (WizCommerce documents no limits; the sandbox sends
 * seconds, and an epoch is accepted too), also when `X-RateLimit-Remaining` is 0.
 */
export const readWizCommerceRateLimit: RateLimitReader = ({ status, headers }, nowMs) => {
  const reset = (): number | undefined => epochOrDeltaSecondsHeader(headers.get('x-ratelimit-reset'), nowMs);
  if (status === 429) return retryAfterHeader(headers.get('retry-after'), nowMs) ?? reset();
  return remainingIsZero(headers.get('x-ratelimit-remaining')) ? reset() : undefined;
};

const errorSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  details: z.array(z.looseObject({ field: z.string().optional(), reason: z.string().optional() })).optional(),
});

/** readWizCommerceError reads the (unconfirmed) `{code, message, details[{field, reason}]}` envelope. */
export const readWizCommerceError: ErrorMessageReader = (body) => {
  if (typeof body === 'string') return body;
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const details = (parsed.data.details ?? []).map((d) => `${d.field ?? ''}: ${d.reason ?? ''}`);
  return [parsed.data.code, parsed.data.message, ...details].filter((s) => s !== undefined && s !== '').join('; ');
};
