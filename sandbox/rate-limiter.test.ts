import { describe, expect, it } from 'vitest';
import { FixedWindowLimiter } from './rate-limiter.js';

describe('FixedWindowLimiter', () => {
  const rows = [
    { reason: 'requests within the budget pass', times: [0, 1, 2], limit: 3, want: [false, false, false], remaining: 0 },
    { reason: 'the request after the budget is limited', times: [0, 1, 2, 3], limit: 3, want: [false, false, false, true], remaining: 0 },
    { reason: 'a new window restores the budget', times: [0, 1, 1000, 1001], limit: 2, want: [false, false, false, false], remaining: 0 },
    { reason: 'rejected requests still count within the window', times: [0, 1, 2, 999], limit: 1, want: [false, true, true, true], remaining: 0 },
  ];

  it.each(rows)('$reason', ({ times, limit, want, remaining }) => {
    const l = new FixedWindowLimiter({ enabled: true, limit, windowMs: 1000 });
    const got = times.map((t) => l.take('k', t));
    expect(got.map((g) => g.limited)).toEqual(want);
    expect(got.at(-1)?.remaining).toBe(remaining);
  });

  it('never limits when disabled but still reports the configured quota', () => {
    const l = new FixedWindowLimiter({ enabled: false, limit: 1, windowMs: 1000 });
    const infos = [0, 1, 2].map((t) => l.take('k', t));
    expect(infos.every((i) => !i.limited && i.limit === 1)).toBe(true);
  });

  it('keeps separate budgets per key and reports time to reset', () => {
    const l = new FixedWindowLimiter({ enabled: true, limit: 1, windowMs: 30_000 });
    expect(l.take('a', 0).limited).toBe(false);
    expect(l.take('b', 10).limited).toBe(false);
    const again = l.take('a', 5_000);
    expect(again.limited).toBe(true);
    expect(again.resetMs).toBe(25_000);
    expect(l.exhausted('b', 10_010)).toMatchObject({ remaining: 0, resetMs: 20_000, limited: true });
  });
});
