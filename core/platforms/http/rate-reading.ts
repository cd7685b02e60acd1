import type { RateLimitHeaders, TimedHeader } from '../../contract/capabilities.js';
import { epochOrDeltaSecondsHeader, httpDateHeader, millisecondsHeader, retryAfterHeader, secondsHeader } from './retry-after.js';

/** A RateReading is what one answer said about the connection's budget; every field is optional. */
export interface RateReading {
  /** remaining is how many requests the current window still allows. */
  readonly remaining?: number;
  /** limit is a whole window's budget. */
  readonly limit?: number;
  /** resetMs is the time until the current window ends. */
  readonly resetMs?: number;
  /** windowMs is a window's length. */
  readonly windowMs?: number;
  /** retryAfterMs is the wait a 429 asked for. */
  readonly retryAfterMs?: number;
}

/**
 * readRateLimit reads the headers an adapter declared from one answer.
 * Unreadable or absent headers are left out, so a platform (or a proxy's
 * answer) that sends none yields an empty reading.
 */
export function readRateLimit(headers: Headers, declared: RateLimitHeaders | undefined, nowMs: number): RateReading {
  if (declared === undefined) return {};
  const remaining = count(headers.get(declared.remaining));
  const limit = declared.limit === undefined ? undefined : count(headers.get(declared.limit));
  const resetMs = firstTime(headers, declared.reset, nowMs);
  const windowMs = declared.window === undefined ? undefined : timeOf(headers, declared.window, nowMs);
  const retryAfterMs = firstTime(headers, declared.retryAfter, nowMs);
  return {
    ...(remaining === undefined ? {} : { remaining }),
    ...(limit === undefined ? {} : { limit }),
    ...(resetMs === undefined ? {} : { resetMs }),
    ...(windowMs === undefined ? {} : { windowMs }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function count(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : undefined;
}

function firstTime(headers: Headers, candidates: readonly TimedHeader[], nowMs: number): number | undefined {
  for (const candidate of candidates) {
    const ms = timeOf(headers, candidate, nowMs);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

function timeOf(headers: Headers, { header, unit }: TimedHeader, nowMs: number): number | undefined {
  const value = headers.get(header);
  switch (unit) {
    case 'milliseconds':
      return millisecondsHeader(value);
    case 'seconds':
      return secondsHeader(value);
    case 'httpDate':
      return httpDateHeader(value, nowMs);
    case 'retryAfter':
      return retryAfterHeader(value, nowMs);
    case 'epochOrDeltaSeconds':
      return epochOrDeltaSecondsHeader(value, nowMs);
  }
}
