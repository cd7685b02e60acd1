/**
 * Parsers for the times in rate-limit headers. Adapters declare which header
 * carries which time (capabilities.rateLimitHeaders); readRateLimit applies them.
 */

/** secondsHeader reads a delay in (possibly fractional) seconds, as ms. */
export function secondsHeader(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n * 1000) : undefined;
}

/** millisecondsHeader reads a delay in milliseconds (BigCommerce's X-Rate-Limit-Time-Reset-Ms). */
export function millisecondsHeader(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined;
}

/** retryAfterHeader reads RFC 9110 Retry-After: delay seconds or an HTTP date, as ms from now. */
export function retryAfterHeader(value: string | null, nowMs: number): number | undefined {
  const seconds = secondsHeader(value);
  if (seconds !== undefined || value === null) return seconds;
  return httpDateHeader(value, nowMs);
}

/** httpDateHeader reads an RFC 1123 date (Cloudflare's x-ratelimit-reset), as ms from now. */
export function httpDateHeader(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * epochOrDeltaSecondsHeader reads a reset given either as Unix seconds or as
 * seconds from now (WizCommerce documents neither): values past 10⁹ can only
 * be epochs.
 */
export function epochOrDeltaSecondsHeader(value: string | null, nowMs: number): number | undefined {
  const seconds = secondsHeader(value);
  if (seconds === undefined) return undefined;
  return seconds >= 1e12 ? Math.max(0, seconds - nowMs) : seconds;
}
