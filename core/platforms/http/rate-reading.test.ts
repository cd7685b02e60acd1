import { describe, expect, it } from 'vitest';
import type { RateLimitHeaders } from '../../contract/capabilities.js';
import { readRateLimit, type RateReading } from './rate-reading.js';

const NOW = 1_700_000_000_000;

const declared: RateLimitHeaders = {
  remaining: 'x-left',
  limit: 'x-quota',
  reset: [
    { header: 'x-reset-ms', unit: 'milliseconds' },
    { header: 'x-reset-date', unit: 'httpDate' },
  ],
  window: { header: 'x-window-ms', unit: 'milliseconds' },
  retryAfter: [{ header: 'retry-after', unit: 'retryAfter' }],
};

describe('readRateLimit', () => {
  const rows: { name: string; reason: string; headers: Record<string, string>; declared?: RateLimitHeaders | undefined; want: RateReading }[] = [
    {
      name: 'EveryHeader',
      reason: 'each declared header is read in its own unit',
      headers: { 'x-left': '7', 'x-quota': '150', 'x-reset-ms': '1234', 'x-window-ms': '30000', 'retry-after': '2' },
      want: { remaining: 7, limit: 150, resetMs: 1234, windowMs: 30_000, retryAfterMs: 2000 },
    },
    { name: 'FirstResetWins', reason: 'reset candidates are tried in order; a later one fills in when the first is absent', headers: { 'x-reset-date': new Date(NOW + 5000).toUTCString() }, want: { resetMs: 5000 } },
    { name: 'CaseInsensitive', reason: 'header names are matched case-insensitively, as HTTP says', headers: { 'X-LEFT': '0' }, want: { remaining: 0 } },
    { name: 'Unreadable', reason: 'an unreadable value is left out rather than guessed', headers: { 'x-left': 'many', 'x-reset-ms': 'soon' }, want: {} },
    { name: 'NothingDeclared', reason: 'a platform that declares no headers gets an empty reading whatever it sends', headers: { 'x-left': '3' }, declared: undefined, want: {} },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      const headers = new Headers(row.headers);
      expect(readRateLimit(headers, 'declared' in row ? row.declared : declared, NOW), row.reason).toEqual(row.want);
    });
  }
});
