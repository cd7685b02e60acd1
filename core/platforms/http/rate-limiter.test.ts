import { describe, expect, it } from 'vitest';
import type { RateReading } from './rate-reading.js';
import { RateLimiter, type RateTicket } from './rate-limiter.js';

// A Step drives the limiter on a fake clock: `send` admits n requests one after another (each
// waiting as the limiter asks, which advances the clock), `answer` reports the answer to the
// i-th admitted request now, `wait` lets time pass.
type Step = { send: number } | { answer: number; status?: number; reading: RateReading } | { wait: number };

interface Row {
  readonly name: string;
  readonly reason: string;
  readonly rps: number;
  readonly paceAlways?: boolean;
  readonly script: readonly Step[];
  /** starts are the clock times (ms) at which each request was admitted. */
  readonly starts: readonly number[];
  /** hints are what observe returned, per answer step. */
  readonly hints?: readonly (number | undefined)[];
}

const WINDOW = { limit: 5, resetMs: 1000 } as const;

const rows: Row[] = [
  { name: 'PacesWithoutHeaders', reason: 'no answer has named a budget, so the token bucket paces at the configured rate', rps: 2, script: [{ send: 4 }], starts: [0, 0, 500, 1000] },
  {
    name: 'SpendsTheWindowAtOnce',
    reason: 'once an answer names remaining and reset, the whole remaining budget starts at once instead of at the average rate',
    rps: 1,
    script: [{ send: 1 }, { answer: 0, reading: { ...WINDOW, remaining: 4 } }, { send: 4 }],
    starts: [0, 0, 0, 0, 0],
  },
  {
    name: 'WaitsForTheReset',
    reason: 'with the budget spent, the next request waits for the reset (plus the margin) and opens the next window with the full quota',
    rps: 1,
    script: [{ send: 1 }, { answer: 0, reading: { ...WINDOW, remaining: 4 } }, { send: 4 }, { send: 5 }, { send: 1 }],
    starts: [0, 0, 0, 0, 0, 1020, 1020, 1020, 1020, 1020, 2040],
  },
  {
    name: 'CountsRequestsStillInFlight',
    reason: "an answer's remaining may not count the requests admitted after it yet, so the budget is the quota less all we admitted",
    rps: 10,
    script: [{ send: 3 }, { answer: 0, reading: { ...WINDOW, remaining: 4 } }, { send: 3 }],
    starts: [0, 0, 0, 0, 0, 1020],
  },
  {
    name: 'ReorderedAnswersStrandNothing',
    reason: 'when a later request reached the platform first, the earlier one reports less remaining; the budget is still the quota less ours, none stranded',
    rps: 10,
    script: [{ send: 3 }, { answer: 0, reading: { ...WINDOW, remaining: 3 } }, { answer: 1, reading: { ...WINDOW, remaining: 4 } }, { send: 3 }],
    starts: [0, 0, 0, 0, 0, 1020],
  },
  {
    name: 'SomeoneElseSpentTheBudget',
    reason: 'a remaining lower than our own count (another client of the same store) lowers the budget',
    rps: 1,
    script: [{ send: 1 }, { answer: 0, reading: { ...WINDOW, remaining: 4 } }, { send: 1 }, { answer: 1, reading: { ...WINDOW, remaining: 0 } }, { send: 1 }],
    starts: [0, 0, 1020],
    hints: [undefined, 1000],
  },
  {
    name: 'IgnoresAnswersFromAClosedWindow',
    reason: "a late answer from the previous window says nothing about the one that opened since, so it cannot stop the new window's budget",
    rps: 1,
    script: [
      { send: 1 },
      { answer: 0, reading: { ...WINDOW, remaining: 0 } },
      { send: 1 },
      { answer: 1, reading: { limit: 5, remaining: 4, resetMs: 1000 } },
      { answer: 0, reading: { limit: 5, remaining: 0, resetMs: 0 } },
      { send: 4 },
    ],
    starts: [0, 1020, 1020, 1020, 1020, 1020],
    hints: [1000, undefined, 0],
  },
  {
    name: 'FirstAnswerFixesTheGuessedEnd',
    reason: "an opened window's end is a guess until its first answer, which replaces it (here later than the guess)",
    rps: 1,
    script: [
      { send: 1 },
      { answer: 0, reading: { ...WINDOW, remaining: 0 } },
      { send: 1 },
      { wait: 100 },
      { answer: 1, reading: { limit: 1, remaining: 0, resetMs: 1500 } },
      { send: 1 },
    ],
    starts: [0, 1020, 2640],
  },
  {
    name: 'AdoptsANewPlatformWindow',
    reason: 'an answer whose reset lies well past the known end means the platform started a new window, whose budget replaces ours',
    rps: 1,
    script: [{ send: 1 }, { answer: 0, reading: { limit: 5, remaining: 1, resetMs: 1000 } }, { send: 1 }, { answer: 1, reading: { limit: 5, remaining: 4, resetMs: 30_000 } }, { send: 4 }, { send: 1 }],
    starts: [0, 0, 0, 0, 0, 0, 30_020],
  },
  {
    name: 'Honours429RetryAfter',
    reason: 'a 429 holds every request for its Retry-After, even while pacing',
    rps: 100,
    script: [{ send: 1 }, { answer: 0, status: 429, reading: { retryAfterMs: 3000 } }, { send: 1 }],
    starts: [0, 3000],
    hints: [3000],
  },
  {
    name: '429ClosesTheWindow',
    reason: 'a 429 in a header-driven window ends it at the Retry-After; the next window opens then (plus the margin) with the quota',
    rps: 1,
    script: [{ send: 1 }, { answer: 0, reading: { ...WINDOW, remaining: 4 } }, { send: 1 }, { answer: 1, status: 429, reading: { limit: 5, remaining: 0, resetMs: 700, retryAfterMs: 800 } }, { send: 5 }],
    starts: [0, 0, 820, 820, 820, 820, 820],
    hints: [undefined, 800],
  },
  {
    name: '429WithoutHeadersIsBackoffOnly',
    reason: 'a 429 naming no wait is platform load: the limiter returns no hint and holds nothing (the client backs off)',
    rps: 100,
    script: [{ send: 1 }, { answer: 0, status: 429, reading: {} }, { send: 1 }],
    starts: [0, 0],
    hints: [undefined],
  },
  {
    name: 'RemainingWithoutResetKeepsThePace',
    reason: 'remaining alone (Cloudflare names its reset only on a 429) cannot say when a window ends, so pacing continues',
    rps: 2,
    script: [{ send: 1 }, { answer: 0, reading: { limit: 1200, remaining: 1199 } }, { send: 3 }],
    starts: [0, 0, 500, 1000],
  },
  {
    name: 'UserRateIsACeiling',
    reason: 'a rate the user configured keeps pacing even when the headers would allow a burst',
    rps: 2,
    paceAlways: true,
    script: [{ send: 1 }, { answer: 0, reading: { ...WINDOW, remaining: 4 } }, { send: 3 }],
    starts: [0, 0, 500, 1000],
  },
  {
    name: 'QuotaLearnedWithoutLimitHeader',
    reason: 'without a limit header the quota is the largest remaining seen plus the request that reported it',
    rps: 1,
    script: [{ send: 1 }, { answer: 0, reading: { remaining: 2, resetMs: 1000 } }, { send: 2 }, { send: 3 }, { send: 1 }],
    starts: [0, 0, 0, 1020, 1020, 1020, 2040],
  },
];

describe('RateLimiter', () => {
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      let clock = 0;
      const limiter = new RateLimiter({
        requestsPerSecond: row.rps,
        paceAlways: row.paceAlways ?? false,
        now: () => clock,
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
      });
      const tickets: RateTicket[] = [];
      const starts: number[] = [];
      const hints: (number | undefined)[] = [];
      for (const step of row.script) {
        if ('send' in step) {
          for (let i = 0; i < step.send; i++) {
            tickets.push(await limiter.acquire());
            starts.push(clock);
          }
        } else if ('wait' in step) {
          clock += step.wait;
        } else {
          const ticket = tickets[step.answer];
          if (ticket === undefined) throw new Error(`${row.name}: no request ${String(step.answer)} to answer`);
          hints.push(limiter.observe(ticket, step.status ?? 200, step.reading));
        }
      }
      expect(starts, row.reason).toEqual(row.starts);
      if (row.hints !== undefined) expect(hints, row.reason).toEqual(row.hints);
    });
  }
});
