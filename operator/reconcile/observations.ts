import type { Observation } from '../../core/contract/adapter.js';

interface Entry {
  readonly fingerprint: string;
  readonly at: number;
  readonly observation: Observation;
}

/**
 * An ObservationCache remembers the last platform observation of each
 * token's current value, so a steady token is looked at once per poll
 * interval rather than on every reconcile: an idle operator makes no
 * platform calls between polls. Keys are token keys; an entry for another
 * fingerprint (the token rotated) is ignored.
 */
export class ObservationCache {
  readonly #entries = new Map<string, Entry>();

  /** fresh returns the cached observation of this fingerprint if it is younger than maxAgeMs. */
  fresh(key: string, fingerprint: string, maxAgeMs: number, now: number): Observation | undefined {
    const entry = this.#entries.get(key);
    if (entry?.fingerprint !== fingerprint || now - entry.at >= maxAgeMs) return undefined;
    return entry.observation;
  }

  /** dueAt is when the cached observation of this key goes stale. */
  dueAt(key: string, maxAgeMs: number): number | undefined {
    const entry = this.#entries.get(key);
    return entry === undefined ? undefined : entry.at + maxAgeMs;
  }

  /** remember stores an observation taken (or implied by an issue) now. */
  remember(key: string, fingerprint: string, observation: Observation, now: number): void {
    this.#entries.set(key, { fingerprint, at: now, observation });
  }

  /** forget drops a key (token deleted). */
  forget(key: string): void {
    this.#entries.delete(key);
  }
}
