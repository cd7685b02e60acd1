import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inWindow, JITTER_FRACTION, nextOpen, renewAt, type RenewalWindow, type Schedule } from './schedule.js';

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

// Renewal windows: routine renewals wait for the next window (UTC), but a
// token with less than half its renew-before window left renews at once.
describe('renewAt windows', () => {
  const weekdays: RenewalWindow[] = [{ days: ['Tue', 'Wed', 'Thu'], startHour: 9, endHour: 16 }];
  const night: RenewalWindow[] = [{ startHour: 22, endHour: 4 }];
  const at = (iso: string): number => Date.parse(iso);
  const cases: { name: string; windows: RenewalWindow[]; t: string; open: boolean; next: string }[] = [
    // 2027-03-06 is a Saturday.
    { name: 'Saturday waits for Tuesday 09:00', windows: weekdays, t: '2027-03-06T10:00:00Z', open: false, next: '2027-03-09T09:00:00Z' },
    { name: 'inside the window: now', windows: weekdays, t: '2027-03-10T15:59:00Z', open: true, next: '2027-03-10T15:59:00Z' },
    { name: 'end hour is exclusive', windows: weekdays, t: '2027-03-10T16:00:00Z', open: false, next: '2027-03-11T09:00:00Z' },
    { name: 'overnight window, before midnight', windows: night, t: '2027-03-06T23:30:00Z', open: true, next: '2027-03-06T23:30:00Z' },
    { name: 'overnight window, after midnight', windows: night, t: '2027-03-07T03:10:00Z', open: true, next: '2027-03-07T03:10:00Z' },
    { name: 'overnight window, daytime waits for 22:00', windows: night, t: '2027-03-07T12:34:00Z', open: false, next: '2027-03-07T22:00:00Z' },
  ];
  it.each(cases)('$name', ({ windows, t, open, next }) => {
    expect(inWindow(at(t), windows)).toBe(open);
    expect(nextOpen(at(t), windows)).toBe(at(next));
  });

  it('a due renewal outside the windows waits for the next one', () => {
    // expires Saturday 2027-03-13 12:00; renewBefore 7 days opens Saturday 03-06 12:00 (+ up to 16.8h jitter): next window is Tuesday 09:00.
    const schedule: Schedule = { renewBeforeMs: 7 * 86_400_000, overlapMs: 600_000, windows: weekdays };
    expect(renewAt(new Date('2027-03-13T12:00:00Z'), schedule, 'abcdef012345')?.toISOString()).toBe('2027-03-09T09:00:00.000Z');
  });

  it('urgent once half the renew-before window is gone: renewed outside the windows', () => {
    // expires Sunday 03-07 12:00; renewBefore 2 days opens Friday 12:00, outside the windows; the next one (Tuesday) is after the urgent point, Saturday 12:00.
    const schedule: Schedule = { renewBeforeMs: 2 * 86_400_000, overlapMs: 600_000, windows: weekdays };
    expect(renewAt(new Date('2027-03-07T12:00:00Z'), schedule, 'abcdef012345')?.toISOString()).toBe('2027-03-06T12:00:00.000Z');
  });
});
