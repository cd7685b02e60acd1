import { isCoreError } from '../../core/errors.js';

/** GateOptions tune a PlatformGate. */
export interface GateOptions {
  /** maxInFlight bounds concurrent reconciles that call this platform connection. @default 8 */
  readonly maxInFlight?: number;
  /** random drives jitter. @default Math.random */
  readonly random?: () => number;
  /** now is the clock in ms. @default Date.now */
  readonly now?: () => number;
}

/**
 * A PlatformGate isolates one platform connection: it bounds how many
 * workers wait on it at once and, after the platform says "slow down" or
 * fails, holds every token of that connection back until a backoff (or the
 * platform's own Retry-After) passes. Tokens of other connections keep their
 * workers, so a failing platform slows only the tokens that use it.
 */
export class PlatformGate {
  readonly #max: number;
  readonly #random: () => number;
  readonly #now: () => number;
  #inFlight = 0;
  #blockedUntil = 0;
  #failures = 0;

  constructor(options: GateOptions = {}) {
    this.#max = options.maxInFlight ?? 8;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  /** waitMs is how long a caller must wait before entering, 0 when it may enter now. */
  waitMs(): number {
    const blocked = this.#blockedUntil - this.#now();
    if (blocked > 0) return blocked;
    if (this.#inFlight >= this.#max) return 250 + Math.round(this.#random() * 250);
    return 0;
  }

  /** enter takes a slot; call leave when done. Returns false when the caller must wait. */
  enter(): boolean {
    if (this.waitMs() > 0) return false;
    this.#inFlight++;
    return true;
  }

  /** leave releases a slot and learns from the outcome. */
  leave(error?: unknown): void {
    this.#inFlight--;
    if (error === undefined) {
      this.#failures = 0;
      return;
    }
    if (!isCoreError(error) || !error.retryable || error.code === 'ERR_CREATE_IN_DOUBT') return;
    this.#failures++;
    const ceiling = Math.min(60_000, 500 * 2 ** Math.min(this.#failures - 1, 7));
    const backoff = Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#now() + Math.max(backoff, error.retryAfterMs ?? 0));
  }
}
