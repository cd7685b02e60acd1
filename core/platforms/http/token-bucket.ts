import type { Sleep } from './sleep.js';

/** TokenBucketOptions configure a TokenBucket. */
export interface TokenBucketOptions {
  /** requestsPerSecond is the sustained rate. */
  readonly requestsPerSecond: number;
  /** burst is how many requests may go at once after a quiet spell. @default 1 */
  readonly burst?: number;
  readonly now: () => number;
  readonly sleep: Sleep;
}

/**
 * A TokenBucket paces one connection's requests. It hands out start times in
 * order (reservations) rather than re-checking a clock in a loop, so it stays
 * correct with an injected clock, and `pauseUntil` lets a platform's 429 or
 * exhausted quota hold back every later request on this connection only.
 */
export class TokenBucket {
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  #theoreticalArrival = Number.NEGATIVE_INFINITY;
  #pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(options: TokenBucketOptions) {
    const rate = options.requestsPerSecond > 0 ? options.requestsPerSecond : 1;
    this.#intervalMs = 1000 / rate;
    this.#toleranceMs = (Math.max(1, Math.floor(options.burst ?? 1)) - 1) * this.#intervalMs;
    this.#now = options.now;
    this.#sleep = options.sleep;
  }

  /** reserve books the next slot and returns how long to wait for it, without waiting. */
  reserve(): number {
    const t = this.#now();
    const base = Math.max(this.#theoreticalArrival, t, this.#pausedUntil);
    const allowAt = Math.max(base - this.#toleranceMs, this.#pausedUntil);
    this.#theoreticalArrival = base + this.#intervalMs;
    return Math.max(0, allowAt - t);
  }

  /** acquire waits for the next slot; it rejects with ERR_ABORTED when the signal fires. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.#sleep(wait, signal);
  }

  /** pauseUntil holds every request not yet started until the given time (epoch ms). */
  pauseUntil(epochMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, epochMs);
  }
}
