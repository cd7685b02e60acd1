/** A Reconciler handles one key; it returns when to look again (ms), or undefined for "only on change". */
export type Reconciler = (key: string) => Promise<number | undefined>;

/** WorkQueueOptions tune a WorkQueue. */
export interface WorkQueueOptions {
  /** workers is how many keys are reconciled at once. @default 16 */
  readonly workers?: number;
  /** baseBackoffMs is the first retry delay after an error; it doubles per failure. @default 250 */
  readonly baseBackoffMs?: number;
  /** maxBackoffMs caps the retry delay. @default 300000 */
  readonly maxBackoffMs?: number;
  /** onError sees every failed reconcile. */
  readonly onError?: (key: string, error: unknown, retryInMs: number) => void;
  /** random drives jitter. @default Math.random */
  readonly random?: () => number;
  /** retryAfterOf lets an error ask for a specific delay (e.g. a platform's 429 Retry-After). */
  readonly retryAfterOf?: (error: unknown) => number | undefined;
}

/**
 * A WorkQueue runs a reconciler over keys with the guarantees controllers
 * rely on: a key is never processed by two workers at once; adding a key
 * that is already waiting is a no-op (dedupe); adding one that is being
 * processed marks it dirty so it runs once more afterwards; failures retry
 * with exponential backoff and full jitter, per key, so one failing token
 * (or platform) never slows the others.
 */
export class WorkQueue {
  readonly #reconcile: Reconciler;
  readonly #workers: number;
  readonly #base: number;
  readonly #max: number;
  readonly #random: () => number;
  readonly #onError: WorkQueueOptions['onError'];
  readonly #retryAfterOf: WorkQueueOptions['retryAfterOf'];
  readonly #ready: string[] = [];
  readonly #queued = new Set<string>();
  readonly #active = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  #running = 0;
  #stopped = false;
  #idleWaiters: (() => void)[] = [];

  constructor(reconcile: Reconciler, options: WorkQueueOptions = {}) {
    this.#reconcile = reconcile;
    this.#workers = options.workers ?? 16;
    this.#base = options.baseBackoffMs ?? 250;
    this.#max = options.maxBackoffMs ?? 300_000;
    this.#random = options.random ?? Math.random;
    this.#onError = options.onError;
    this.#retryAfterOf = options.retryAfterOf;
  }

  /** depth is how many keys wait to be processed now. */
  get depth(): number {
    return this.#ready.length;
  }

  /** active is how many keys are being processed. */
  get active(): number {
    return this.#active.size;
  }

  /** add queues a key now (deduplicated). */
  add(key: string): void {
    if (this.#stopped) return;
    const timer = this.#timers.get(key);
    if (timer !== undefined) {
      clearTimeout(timer.timer);
      this.#timers.delete(key);
    }
    if (this.#active.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#ready.push(key);
    this.#pump();
  }

  /** addAfter queues a key after a delay; an earlier pending time wins. */
  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const existing = this.#timers.get(key);
    if (existing !== undefined && existing.at <= at) return;
    if (existing !== undefined) clearTimeout(existing.timer);
    // setTimeout caps at about 24.8 days; a longer wait is re-armed when it fires.
    const wait = Math.min(ms, 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      if (wait < ms) this.addAfter(key, ms - wait);
      else this.add(key);
    }, wait);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** forget drops a key's pending timer and failure count (the object is gone). */
  forget(key: string): void {
    const timer = this.#timers.get(key);
    if (timer !== undefined) clearTimeout(timer.timer);
    this.#timers.delete(key);
    this.#failures.delete(key);
  }

  /** idle resolves when nothing is queued or running (timers may still be armed). */
  idle(): Promise<void> {
    if (this.#ready.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** stop stops taking new work and resolves when running keys are done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#ready.length = 0;
    this.#queued.clear();
    await this.idle();
  }

  #pump(): void {
    while (this.#running < this.#workers && this.#ready.length > 0) {
      const key = this.#ready.shift();
      if (key === undefined) break;
      this.#queued.delete(key);
      this.#active.add(key);
      this.#running++;
      void this.#run(key);
    }
    if (this.#running === 0 && this.#ready.length === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  async #run(key: string): Promise<void> {
    let next: number | undefined;
    try {
      next = await this.#reconcile(key);
      this.#failures.delete(key);
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const ceiling = Math.min(this.#max, this.#base * 2 ** (failures - 1));
      // Full jitter spreads retries of many failing keys over the window.
      const jittered = Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
      next = Math.max(jittered, this.#retryAfterOf?.(error) ?? 0);
      this.#onError?.(key, error, next);
    } finally {
      this.#active.delete(key);
      this.#running--;
    }
    if (this.#dirty.delete(key)) this.add(key);
    else if (next !== undefined) this.addAfter(key, next);
    this.#pump();
  }
}
