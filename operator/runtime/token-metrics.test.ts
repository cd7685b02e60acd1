import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TokenMetrics, type TokenReading } from './token-metrics.js';

// One label set per token at a time: what a reading replaces is removed,
// and a forgotten token leaves nothing. Checked on the exposition text.

const at = (iso: string): Date => new Date(iso);
const base: TokenReading = { namespace: 'shop', name: 'edge', platform: 'cloudflare', ready: true, reason: 'Ready', fingerprint: 'sha256:aaaa', expiresAt: at('2026-06-01T00:00:00Z'), renewAt: at('2026-05-01T00:00:00Z') };

async function series(readings: readonly (TokenReading | 'forget')[]): Promise<string[]> {
  const registry = new Registry();
  const metrics = new TokenMetrics([registry]);
  for (const r of readings) {
    if (r === 'forget') metrics.forget('shop/edge');
    else metrics.record('shop/edge', r);
  }
  return (await registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#')).sort();
}

describe('TokenMetrics', () => {
  const ready = 'sftoken_token_ready_status{namespace="shop",name="edge",platform="cloudflare",reason="Ready"} 1';
  const expiry = 'sftoken_token_expiration_timestamp_seconds{namespace="shop",name="edge",platform="cloudflare"} 1780272000';
  const renewal = 'sftoken_token_renewal_timestamp_seconds{namespace="shop",name="edge",platform="cloudflare"} 1777593600';
  it.each([
    { name: 'Issued', reason: 'a Ready token shows readiness, expiry and renewal', readings: [base], want: [expiry, ready, renewal] },
    {
      name: 'ReasonChange', reason: 'a new reason replaces the old readiness series instead of adding one',
      readings: [base, { ...base, ready: false, reason: 'PlatformUnavailable', renewAt: 'unknown' as const }],
      want: [expiry, 'sftoken_token_ready_status{namespace="shop",name="edge",platform="cloudflare",reason="PlatformUnavailable"} 0', renewal],
    },
    {
      name: 'PlatformKnownLate', reason: 'a token first reported before its spec was read leaves no platform="unknown" series',
      readings: [{ namespace: 'shop', name: 'edge', platform: 'unknown', ready: false, reason: 'InvalidSpec' }, base], want: [expiry, ready, renewal],
    },
    {
      name: 'UnknownRenewalOtherToken', reason: 'an unknown renewAt is kept only for the same token value',
      readings: [base, { ...base, fingerprint: 'sha256:bbbb', renewAt: 'unknown' as const }], want: [expiry, ready],
    },
    {
      name: 'InDoubtAndPrevious', reason: 'an overlap and an unresolved create show their times, and go when they end',
      readings: [{ ...base, previousRevokeAt: at('2026-05-01T00:10:00Z'), inDoubtSince: at('2026-05-01T00:05:00Z') }, base],
      want: [expiry, ready, renewal],
    },
    { name: 'Forgotten', reason: 'a deleted token leaves no series', readings: [base, { ...base, previousRevokeAt: at('2026-05-01T00:10:00Z') }, 'forget' as const], want: [] },
    {
      name: 'UnboundedReason', reason: 'a reason outside the PascalCase vocabulary is not a label value',
      readings: [{ ...base, ready: false, reason: 'no such reason: 42' }], want: [expiry, 'sftoken_token_ready_status{namespace="shop",name="edge",platform="cloudflare",reason="Other"} 0', renewal],
    },
  ])('$name: $reason', async ({ readings, want }) => {
    expect(await series(readings)).toEqual(want);
  });

  it('shows the overlap end and the in-doubt start while they last', async () => {
    const lines = await series([{ ...base, previousRevokeAt: at('2026-05-01T00:10:00Z'), inDoubtSince: at('2026-05-01T00:05:00Z') }]);
    expect(lines).toContain('sftoken_token_previous_revoke_timestamp_seconds{namespace="shop",name="edge",platform="cloudflare"} 1777594200');
    expect(lines).toContain('sftoken_token_create_in_doubt_timestamp_seconds{namespace="shop",name="edge",platform="cloudflare"} 1777593900');
  });
});
