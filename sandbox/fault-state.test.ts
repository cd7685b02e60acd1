import { describe, expect, it } from 'vitest';
import { FaultState } from './faults.js';

describe('FaultState', () => {
  it('consumes platform counters before global ones', () => {
    const f = new FaultState();
    f.set({ burst429: 1 }, 'avvyr');
    f.set({ burst429: 1 });
    expect([f.takeBurst429('avvyr'), f.takeBurst429('avvyr'), f.takeBurst429('avvyr')]).toEqual([true, true, false]);
    expect(f.active()).toBe(false);
  });

  const rateRows = [
    { reason: 'global rate applies to every platform', global: 0.5, platform: 0, draw: 0.4, fails: true },
    { reason: 'the larger of the two scopes wins', global: 0.1, platform: 0.9, draw: 0.5, fails: true },
    { reason: 'a draw at or above the rate passes', global: 0.3, platform: 0, draw: 0.3, fails: false },
    { reason: 'zero never fails', global: 0, platform: 0, draw: 0, fails: false },
  ];

  it.each(rateRows)('$reason', ({ global, platform, draw, fails }) => {
    const f = new FaultState();
    f.set({ errorRate: global });
    f.set({ errorRate: platform }, 'cloudflare');
    expect(f.shouldFail('cloudflare', () => draw)).toBe(fails);
  });

  it('rejects unknown fault names and bad values', () => {
    const f = new FaultState();
    expect(() => {
      f.set({ nope: 1 } as never);
    }).toThrow(/unknown fault/);
    expect(() => {
      f.set({ burst429: Number.NaN });
    }).toThrow(/non-negative/);
  });
});
