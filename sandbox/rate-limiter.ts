/** RateLimitConfig is one platform's request budget: `limit` requests per `windowMs` per key. */
export interface RateLimitConfig {
  /** enabled false lets every request through (benchmarks turn limits off). */
  readonly enabled: boolean;
  readonly limit: number;
  readonly windowMs: number;
}

/** RateInfo describes a key's budget after one request was counted; platforms render it as their own headers. */
export interface RateInfo {
  readonly limit: number;
  readonly remaining: number;
  /** resetMs is the time until the current window ends. */
  readonly resetMs: number;
  readonly windowMs: number;
  /** limited is true when this request exceeded the budget and must get a 429. */
  readonly limited: boolean;
}

interface Window {
  start: number;
  count: number;
}

/**
 * A FixedWindowLimiter counts requests per key in fixed windows that start at
 * a key's first request, like BigCommerce's 30-second quota windows. Requests
 * rejected with 429 still count, as they do on the real platforms.
 */
export class FixedWindowLimiter {
  private config: RateLimitConfig;
  private readonly windows = new Map<string, Window>();

  constructor(config: RateLimitConfig) {
    this.config = config;
  }

  /** configure replaces the budget and forgets every window, so a new limit applies from the next request. */
  configure(config: RateLimitConfig): void {
    this.config = config;
    this.windows.clear();
  }

  /** current returns the active budget. */
  current(): RateLimitConfig {
    return this.config;
  }

  /** take counts one request for key at time now and reports the remaining budget. */
  take(key: string, now: number): RateInfo {
    const { limit, windowMs, enabled } = this.config;
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    const resetMs = Math.max(0, w.start + windowMs - now);
    if (!enabled) return { limit, remaining: limit, resetMs, windowMs, limited: false };
    return { limit, remaining: Math.max(0, limit - w.count), resetMs, windowMs, limited: w.count > limit };
  }

  /** exhausted reports the budget as spent without counting, for injected 429 bursts that must look real. */
  exhausted(key: string, now: number): RateInfo {
    const { limit, windowMs } = this.config;
    const w = this.windows.get(key);
    const resetMs = w === undefined ? windowMs : Math.max(0, w.start + windowMs - now);
    return { limit, remaining: 0, resetMs, windowMs, limited: true };
  }
}
