import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  const rows: { name: string; reason: string; rps: number; burst: number; requests: number; pauseUntil?: number; want: number[] }[] = [
    { name: 'Paces', reason: 'at 2/s without burst, requests are 500 ms apart', rps: 2, burst: 1, requests: 3, want: [0, 500, 1000] },
    { name: 'Bursts', reason: 'a burst of 2 lets two go at once, then paces', rps: 2, burst: 2, requests: 4, want: [0, 0, 500, 1000] },
    { name: 'Pauses', reason: 'a pause holds every request until it ends, then paces', rps: 10, burst: 3, requests: 3, pauseUntil: 2000, want: [2000, 2000, 2000] },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      const bucket = new TokenBucket({ requestsPerSecond: row.rps, burst: row.burst, now: () => 0, sleep: () => Promise.resolve() });
      if (row.pauseUntil !== undefined) bucket.pauseUntil(row.pauseUntil);
      expect(Array.from({ length: row.requests }, () => bucket.reserve()), row.reason).toEqual(row.want);
    });
  }
});
