import type { RateReading } from './rate-reading.js';
import type { Sleep } from './sleep.js';
import { TokenBucket } from './token-bucket.js';

/** RateLimiterOptions configure one connection's RateLimiter. */
export interface RateLimiterOptions {
  /** requestsPerSecond is the pace while no answer has told us a budget (or always, with paceAlways). */
  readonly requestsPerSecond: number;
  /** paceAlways keeps the pace even once answers carry a budget: the user asked for this rate. @default false */
  readonly paceAlways?: boolean;
  /** marginMs is added to every window end, for clock granularity. @default 20 */
  readonly marginMs?: number;
  readonly now: () => number;
  readonly sleep: Sleep;
}

/** A RateTicket is one admitted request; hand it back to observe with the answer. */
export interface RateTicket {
  /** seq orders admissions, so an answer knows how many requests left after it. */
  readonly seq: number;
  /** window is the budget window the request was admitted in. */
  readonly window: number;
}

interface Window {
  readonly id: number;
  /** endsAt is when the platform's window ends (epoch ms), as its answers say. */
  endsAt: number;
  /** confirmed is true once an answer from this window told us its end. */
  confirmed: boolean;
  /** admitted counts our requests admitted in this window. */
  admitted: number;
  /** othersAtLeast is the least the platform counted in this window besides ours (other clients of the same quota). */
  othersAtLeast: number;
  /** closed is set by a 429: nothing more starts before endsAt. */
  closed: boolean;
}

// A window whose reported end moves later than this has been replaced by a new one at the platform
// (reset headers in whole seconds are up to a second late, so less than that is the same window).
const NEW_WINDOW_TOLERANCE_MS = 1_500;
// An opened window's end is unknown until its first answer: guessed from the longest reset seen.
const UNKNOWN_WINDOW_MS = 1_000;

/**
 * A RateLimiter admits one connection's requests. Until the platform's
 * answers carry a budget (remaining requests and the time to the window's
 * reset) it paces them with a token bucket at the configured rate; from then
 * on it spends each window's budget as soon as the window opens, holds every
 * request while the budget is spent, and opens the next window at the reset.
 * The budget of a window is the quota less what we admitted in it less what
 * others surely spent: an answer's count (quota - remaining) beyond all we
 * had admitted by then. That holds however the answers are reordered in
 * flight (a plain `remaining` would undercount and strand budget), and
 * answers from a window already closed are ignored. A 429 holds everything for the wait it names
 * (Retry-After, else the reset), in both modes; only served answers set a
 * budget, so a platform that names its reset only on a 429 keeps its pace.
 */
export class RateLimiter {
  readonly #bucket: TokenBucket;
  readonly #paceAlways: boolean;
  readonly #marginMs: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  #seq = 0;
  #paced = 0;
  #nextWindowId = 0;
  #window: Window | undefined;
  #quota: number | undefined;
  #windowMs: number | undefined;
  #pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(options: RateLimiterOptions) {
    this.#bucket = new TokenBucket({
      requestsPerSecond: options.requestsPerSecond,
      burst: Math.max(1, Math.floor(options.requestsPerSecond)),
      now: options.now,
      sleep: options.sleep,
    });
    this.#paceAlways = options.paceAlways ?? false;
    this.#marginMs = options.marginMs ?? 20;
    this.#now = options.now;
    this.#sleep = options.sleep;
  }

  /** headerDriven is true once an answer carried a budget, so windows rather than the pace decide. */
  get headerDriven(): boolean {
    return this.#window !== undefined;
  }

  /** acquire waits until a request may start and admits it; it rejects with ERR_ABORTED when the signal fires. */
  async acquire(signal?: AbortSignal): Promise<RateTicket> {
    if (this.#window === undefined || this.#paceAlways) await this.#bucket.acquire(signal);
    for (;;) {
      const admitted = this.admit();
      if (typeof admitted !== 'number') return admitted;
      await this.#sleep(admitted, signal);
    }
  }

  /** admit admits a request now and returns its ticket, or returns how long to wait before asking again. */
  admit(): RateTicket | number {
    const now = this.#now();
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    let w = this.#window;
    if (w === undefined) {
      this.#paced++;
      return this.#ticket(this.#nextWindowId);
    }
    if (now >= w.endsAt + this.#marginMs) {
      w = this.#open(now);
      this.#window = w;
    }
    if (this.#budget(w) <= 0) return Math.max(1, w.endsAt + this.#marginMs - now);
    w.admitted++;
    return this.#ticket(w.id);
  }

  /**
   * observe learns from the answer to an admitted request and returns the
   * wait the answer asks for: on a 429 its Retry-After (else the reset), on
   * a success that spent the budget the reset; otherwise undefined.
   */
  observe(ticket: RateTicket, status: number, reading: RateReading): number | undefined {
    const now = this.#now();
    if (reading.limit !== undefined) this.#quota = reading.limit;
    else if (reading.remaining !== undefined) this.#quota = Math.max(this.#quota ?? 0, reading.remaining + 1);
    if (reading.windowMs !== undefined) this.#windowMs = reading.windowMs;
    else if (reading.resetMs !== undefined) this.#windowMs = Math.max(this.#windowMs ?? 0, reading.resetMs);
    if (status === 429) {
      const wait = reading.retryAfterMs ?? reading.resetMs;
      if (wait !== undefined) this.#pause(ticket, now + wait);
      return wait;
    }
    // Only answers that were served set the budget: a platform that names its reset only on a 429 keeps its pace.
    if (reading.remaining !== undefined && reading.resetMs !== undefined) this.#learn(ticket, reading.remaining, now + reading.resetMs);
    return reading.remaining !== undefined && reading.remaining <= 0 ? reading.resetMs : undefined;
  }

  #ticket(window: number): RateTicket {
    return { seq: this.#seq++, window };
  }

  #open(now: number): Window {
    return { id: this.#nextWindowId++, endsAt: now + (this.#windowMs ?? UNKNOWN_WINDOW_MS), confirmed: false, admitted: 0, othersAtLeast: 0, closed: false };
  }

  #budget(w: Window): number {
    return w.closed ? 0 : (this.#quota ?? 1) - w.othersAtLeast - w.admitted;
  }

  #learn(ticket: RateTicket, remaining: number, endsAt: number): void {
    let w = this.#window;
    if (w === undefined) {
      // Every request admitted while pacing belongs to this first window.
      w = { id: this.#nextWindowId++, endsAt, confirmed: true, admitted: this.#paced, othersAtLeast: 0, closed: false };
      this.#window = w;
    } else if (ticket.window !== w.id) {
      return;
    } else if (!w.confirmed) {
      // The first answer replaces the guessed end.
      w.endsAt = endsAt;
      w.confirmed = true;
    } else if (endsAt > w.endsAt + NEW_WINDOW_TOLERANCE_MS) {
      // A much later end: the platform opened a new window, in which at most this request and the later ones count.
      w.endsAt = endsAt;
      w.admitted = this.#seq - ticket.seq;
      w.othersAtLeast = 0;
    } else {
      w.endsAt = Math.min(w.endsAt, endsAt);
    }
    // The platform counted quota - remaining in this window; of those, at most `admitted` were ours.
    w.othersAtLeast = Math.max(w.othersAtLeast, (this.#quota ?? remaining + 1) - remaining - w.admitted);
  }

  #pause(ticket: RateTicket, until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    this.#bucket.pauseUntil(until);
    const w = this.#window;
    // A 429 from a window already closed says nothing about the current one's budget.
    if (w === undefined || ticket.window !== w.id) return;
    w.closed = true;
    w.endsAt = until;
    w.confirmed = true;
  }
}
