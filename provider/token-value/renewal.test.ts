import { describe, expect, it } from 'vitest';
import { RENEW_MARGIN_MS, renewAtFor, renewalOf, type Renewal } from './renewal.js';

const now = new Date('2030-01-01T12:00:00Z');
const later = (ms: number): string => new Date(now.getTime() + ms).toISOString();

describe('renewAtFor', () => {
  const rows: { reason: string; expiresAt: string | undefined; want: Date | undefined }[] = [
    { reason: 'a token that never expires is never renewed', expiresAt: undefined, want: undefined },
    { reason: 'an unreadable expiry is not guessed at', expiresAt: 'soon', want: undefined },
    { reason: 'renew one margin before the expiry', expiresAt: later(3_600_000), want: new Date(now.getTime() + 3_600_000 - RENEW_MARGIN_MS) },
    { reason: 'inside the margin there is nothing left to schedule', expiresAt: later(RENEW_MARGIN_MS / 2), want: undefined },
  ];
  it.each(rows)('$reason', ({ expiresAt, want }) => {
    expect(renewAtFor(expiresAt, now)).toStrictEqual(want);
  });
});

describe('renewalOf', () => {
  const rows: { reason: string; expiresAt: string | undefined; current: string | undefined; want: Renewal }[] = [
    { reason: 'renewed early: the same schedule, no warning', expiresAt: later(3_600_000), current: 'fp', want: { expiring: false, rotated: false, renewAt: new Date(now.getTime() + 3_600_000 - RENEW_MARGIN_MS) } },
    { reason: 'renewed at the margin: warn that the value expires during the run', expiresAt: later(RENEW_MARGIN_MS), current: 'fp', want: { expiring: true, rotated: false, renewAt: undefined } },
    { reason: 'the Secret now holds another token: warn about the rotation', expiresAt: later(RENEW_MARGIN_MS), current: 'other', want: { expiring: true, rotated: true, renewAt: undefined } },
    { reason: 'an unreadable Secret is not a rotation', expiresAt: undefined, current: undefined, want: { expiring: false, rotated: false, renewAt: undefined } },
  ];
  it.each(rows)('$reason', ({ expiresAt, current, want }) => {
    expect(renewalOf({ fingerprint: 'fp', expiresAt }, current, now)).toStrictEqual(want);
  });
});
