import type { PlatformName } from './platform-name.js';

/** StatsRow counts the requests that one platform operation answered with one status. */
export interface StatsRow {
  readonly platform: PlatformName;
  readonly operation: string;
  /** status is the HTTP status, or 0 for a create whose connection was dropped after commit. */
  readonly status: number;
  readonly count: number;
}

/** StatsSnapshot is what `GET /_sandbox/stats` serves: totals plus one row per (platform, operation, status). */
export interface StatsSnapshot {
  readonly total: number;
  readonly rateLimited: number;
  readonly dropped: number;
  readonly rows: readonly StatsRow[];
}

/** Stats counts platform requests so benchmarks and tests can count calls and 429s without parsing logs. */
export class Stats {
  private readonly counts = new Map<string, { platform: PlatformName; operation: string; status: number; count: number }>();

  /** record counts one answered (or dropped, status 0) request. */
  record(platform: PlatformName, operation: string, status: number): void {
    const key = `${platform} ${operation} ${status}`;
    const row = this.counts.get(key);
    if (row === undefined) this.counts.set(key, { platform, operation, status, count: 1 });
    else row.count++;
  }

  /** snapshot copies the counters. */
  snapshot(): StatsSnapshot {
    const rows = [...this.counts.values()].map((r) => ({ ...r }));
    rows.sort((a, b) => a.platform.localeCompare(b.platform) || a.operation.localeCompare(b.operation) || a.status - b.status);
    let total = 0;
    let rateLimited = 0;
    let dropped = 0;
    for (const r of rows) {
      total += r.count;
      if (r.status === 429) rateLimited += r.count;
      if (r.status === 0) dropped += r.count;
    }
    return { total, rateLimited, dropped, rows };
  }

  /** reset zeroes every counter. */
  reset(): void {
    this.counts.clear();
  }
}
