import { describe, expect, it } from 'vitest';
import { epochOrDeltaSecondsHeader, httpDateHeader, millisecondsHeader, retryAfterHeader } from './retry-after.js';
import { redact } from './redact.js';

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('rate-limit header parsers', () => {
  const rows: { name: string; reason: string; got: number | undefined; want: number | undefined }[] = [
    { name: 'RetryAfterSeconds', reason: 'Retry-After in seconds', got: retryAfterHeader('3', NOW), want: 3000 },
    { name: 'RetryAfterDate', reason: 'Retry-After as an HTTP date', got: retryAfterHeader(new Date(NOW + 5000).toUTCString(), NOW), want: 5000 },
    { name: 'RetryAfterGarbage', reason: 'an unreadable header says nothing', got: retryAfterHeader('soon', NOW), want: undefined },
    { name: 'Milliseconds', reason: "BigCommerce's reset is in ms", got: millisecondsHeader('1234'), want: 1234 },
    { name: 'PastDate', reason: 'a reset in the past means no wait', got: httpDateHeader(new Date(NOW - 5000).toUTCString(), NOW), want: 0 },
    { name: 'Delta', reason: 'a small reset is seconds from now', got: epochOrDeltaSecondsHeader('7', NOW), want: 7000 },
    { name: 'Epoch', reason: 'a huge reset is a Unix time', got: epochOrDeltaSecondsHeader(String(NOW / 1000 + 9), NOW), want: 9000 },
    { name: 'Missing', reason: 'no header, no hint', got: retryAfterHeader(null, NOW), want: undefined },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      expect(row.got, row.reason).toBe(row.want);
    });
  }
});

describe('redact', () => {
  it('bounds the length of an untrusted message', () => {
    expect(redact('x'.repeat(1000), []).length).toBeLessThanOrEqual(301);
  });
});
