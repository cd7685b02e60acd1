import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JITTER_FRACTION, renewAt, type Schedule } from './schedule.js';

// 1,000 tokens issued in the same second (one `kubectl apply` of a fleet, or
// one `terraform apply`) must not all come back in the same second: each
// renews at the start of its renew-before window plus a jitter fixed by its
// fingerprint, spread over a tenth of the window.

const expiresAt = new Date('2027-03-02T12:00:00Z');
const fingerprintOf = (i: number): string => createHash('sha256').update(`token-${i}`).digest('hex').slice(0, 12);

describe('renewAt jitter', () => {
  const windows: { name: string; renewBeforeMs: number; minDistinctSeconds: number; maxPerSecond: number }[] = [
    { name: '30-day window (90-day token, default third)', renewBeforeMs: 30 * 86_400_000, minDistinctSeconds: 990, maxPerSecond: 2 },
    { name: '8-hour window (24-hour token)', renewBeforeMs: 8 * 3_600_000, minDistinctSeconds: 750, maxPerSecond: 4 },
    { name: '1-hour window', renewBeforeMs: 3_600_000, minDistinctSeconds: 300, maxPerSecond: 8 },
  ];
  it.each(windows)('$name: spread within the window, never earlier than it opens', ({ renewBeforeMs, minDistinctSeconds, maxPerSecond }) => {
    const schedule: Schedule = { renewBeforeMs, overlapMs: 600_000 };
    const opens = expiresAt.getTime() - renewBeforeMs;
    const times = Array.from({ length: 1000 }, (_, i) => renewAt(expiresAt, schedule, fingerprintOf(i))?.getTime() ?? Number.NaN);
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(opens);
      expect(t).toBeLessThan(opens + renewBeforeMs * JITTER_FRACTION);
    }
    const perSecond = new Map<number, number>();
    for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(perSecond.size).toBeGreaterThanOrEqual(minDistinctSeconds);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(maxPerSecond);
    // Spread evenly: each tenth of the jitter range holds roughly a tenth of the tokens.
    const deciles = Array.from({ length: 10 }, () => 0);
    for (const t of times) {
      const i = Math.floor(((t - opens) / (renewBeforeMs * JITTER_FRACTION)) * 10);
      deciles[i] = (deciles[i] ?? 0) + 1;
    }
    for (const count of deciles) expect(count).toBeGreaterThan(60);
  });

  it('is deterministic per token: every run (operator, plan, apply) computes the same time', () => {
    const schedule: Schedule = { renewBeforeMs: 86_400_000, overlapMs: 0 };
    expect(renewAt(expiresAt, schedule, 'abcdef012345')).toEqual(renewAt(expiresAt, schedule, 'abcdef012345'));
    expect(renewAt(expiresAt, schedule, 'abcdef012345')).not.toEqual(renewAt(expiresAt, schedule, '012345abcdef'));
  });

  it('never schedules a token that does not expire', () => {
    expect(renewAt(undefined, { renewBeforeMs: 1000, overlapMs: 0 }, 'x')).toBeUndefined();
    expect(renewAt(expiresAt, { overlapMs: 0 }, 'x')).toBeUndefined();
  });
});
