import { PLATFORM_NAMES, type PlatformName } from './platform-name.js';

/** FaultSettings are the injected failures for one scope (global or one platform). */
export interface FaultSettings {
  /** errorRate is the probability (0..1) that a management request fails with the platform's 5xx envelope. */
  errorRate: number;
  /** latencyMs delays every management request before it is handled. */
  latencyMs: number;
  /** burst429 is how many of the next management requests get a 429 with real rate-limit headers. */
  burst429: number;
  /** dropAfterCommit is how many of the next creates are committed and then answered by destroying the socket. */
  dropAfterCommit: number;
}

/** FaultPatch updates some fields of a scope's FaultSettings. */
export type FaultPatch = Partial<FaultSettings>;

/** FaultScope is `global` or one platform. */
export type FaultScope = 'global' | PlatformName;

/** FaultSnapshot is the full fault configuration, as served by `GET /_sandbox/faults`. */
export type FaultSnapshot = Record<FaultScope, FaultSettings>;

function none(): FaultSettings {
  return { errorRate: 0, latencyMs: 0, burst429: 0, dropAfterCommit: 0 };
}

/** FaultError is a rejected fault patch; `code` is stable. */
export class FaultError extends Error {
  /** code identifies the rejection. */
  readonly code = 'SANDBOX_BAD_FAULT';
}

/**
 * FaultState holds global and per-platform faults. Rates and latencies combine
 * by taking the larger of the two scopes; counters are consumed from the
 * platform scope first, then from the global one.
 */
export class FaultState {
  private readonly scopes = new Map<FaultScope, FaultSettings>();
  private anyActive = false;

  constructor() {
    this.reset();
  }

  /** reset clears every fault. */
  reset(): void {
    this.scopes.set('global', none());
    for (const p of PLATFORM_NAMES) this.scopes.set(p, none());
    this.anyActive = false;
  }

  /** set applies a patch to one scope after checking its ranges. */
  set(patch: FaultPatch, scope: FaultScope = 'global'): void {
    const s = this.scope(scope);
    for (const [key, value] of Object.entries(patch) as [keyof FaultSettings, unknown][]) {
      if (!(key in s)) throw new FaultError(`unknown fault "${key}"`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new FaultError(`fault ${key} must be a non-negative number`);
      }
      if (key === 'errorRate' && value > 1) throw new FaultError('fault errorRate must be between 0 and 1');
      s[key] = key === 'errorRate' ? value : Math.floor(value);
    }
    this.recompute();
  }

  /** snapshot returns a copy of every scope. */
  snapshot(): FaultSnapshot {
    const out = {} as FaultSnapshot;
    for (const [k, v] of this.scopes) out[k] = { ...v };
    return out;
  }

  /** active is a cheap check that lets the hot path skip fault handling entirely. */
  active(): boolean {
    return this.anyActive;
  }

  /** latencyMs is the delay to apply to a platform's management request. */
  latencyMs(platform: PlatformName): number {
    return Math.max(this.scope('global').latencyMs, this.scope(platform).latencyMs);
  }

  /** shouldFail draws against the effective error rate. */
  shouldFail(platform: PlatformName, random: () => number): boolean {
    const rate = Math.max(this.scope('global').errorRate, this.scope(platform).errorRate);
    return rate > 0 && random() < rate;
  }

  /** takeBurst429 consumes one injected 429 if any is pending. */
  takeBurst429(platform: PlatformName): boolean {
    return this.take(platform, 'burst429');
  }

  /** takeDropAfterCommit consumes one injected dropped create if any is pending. */
  takeDropAfterCommit(platform: PlatformName): boolean {
    return this.take(platform, 'dropAfterCommit');
  }

  private take(platform: PlatformName, key: 'burst429' | 'dropAfterCommit'): boolean {
    for (const scope of [this.scope(platform), this.scope('global')]) {
      if (scope[key] > 0) {
        scope[key]--;
        this.recompute();
        return true;
      }
    }
    return false;
  }

  private scope(scope: FaultScope): FaultSettings {
    const s = this.scopes.get(scope);
    if (s === undefined) throw new FaultError(`unknown fault scope "${scope}"`);
    return s;
  }

  private recompute(): void {
    this.anyActive = [...this.scopes.values()].some(
      (s) => s.errorRate > 0 || s.latencyMs > 0 || s.burst429 > 0 || s.dropAfterCommit > 0,
    );
  }
}
