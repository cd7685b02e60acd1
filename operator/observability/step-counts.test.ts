import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../core/reconcile/decide.js';
import { emptyState, type DurableState } from '../../core/reconcile/durable-state.js';
import type { StepResult } from '../../core/reconcile/execute.js';
import { TokenMetrics } from '../runtime/token-metrics.js';
import { countStep } from './step-counts.js';

// Which counter a carried-out step moves, by decision, the state it acted
// on and the event it reported.

const now = new Date('2026-05-01T00:00:00Z');
const token = { fingerprint: 'sha256:aaaa', issuedAt: '2026-04-01T00:00:00Z' };
const withPrevious = (retired: 'Rotated' | 'Leaked' | 'Lost', revokeAt: string): DurableState => ({ ...emptyState, current: token, previous: { ...token, fingerprint: 'sha256:bbbb', revokeAt, retired } });
const issue = (reason: 'Initial' | 'Rotation' | 'Requested'): Decision => ({ action: 'issue', reason, message: '' });
const revokePrevious: Decision = { action: 'revokePrevious', reason: 'OverlapEnded', message: '' };
const revoke: Decision = { action: 'revoke', reason: 'Revoked', message: '' };
const event = (reason: string, type: 'Normal' | 'Warning' = 'Normal'): StepResult => ({ changed: true, event: { type, reason, message: '' } });

async function counted(before: DurableState, decision: Decision, result: StepResult, finalizing = false): Promise<string[]> {
  const registry = new Registry();
  const metrics = new TokenMetrics([registry]);
  countStep(metrics, { platform: 'cloudflare', before, decision, result }, { now, finalizing });
  return (await registry.metrics()).split('\n').filter((l) => /^sftoken_token_(rotations|revocations)_total\{/.test(l));
}

describe('countStep', () => {
  it.each([
    { name: 'Renewal', reason: 'a scheduled renewal is a rotation', before: { ...emptyState, current: token }, decision: issue('Rotation'), result: event('Rotated'), want: ['sftoken_token_rotations_total{platform="cloudflare",reason="Rotation"} 1'] },
    { name: 'FirstIssue', reason: 'the first token replaces nothing', before: emptyState, decision: issue('Initial'), result: event('Issued'), want: [] },
    { name: 'InDoubt', reason: 'a create that got no answer issued nothing yet', before: { ...emptyState, current: token }, decision: issue('Requested'), result: { changed: true }, want: [] },
    { name: 'OverlapEnded', reason: 'a previous token revoked at the end of its overlap', before: withPrevious('Rotated', '2026-04-30T23:50:00Z'), decision: revokePrevious, result: event('RevokedPrevious'), want: ['sftoken_token_revocations_total{platform="cloudflare",reason="OverlapEnded"} 1'] },
    { name: 'AtMostTwo', reason: 'a previous token cut short so that no third is valid', before: withPrevious('Rotated', '2026-05-01T00:10:00Z'), decision: revokePrevious, result: event('RevokedPrevious'), want: ['sftoken_token_revocations_total{platform="cloudflare",reason="AtMostTwo"} 1'] },
    { name: 'Leaked', reason: 'a leaked token revoked at once', before: withPrevious('Leaked', '2026-05-01T00:00:00Z'), decision: revokePrevious, result: event('RevokedPrevious'), want: ['sftoken_token_revocations_total{platform="cloudflare",reason="Leaked"} 1'] },
    { name: 'NotRevocable', reason: 'a previous token that could not be revoked is not counted', before: withPrevious('Lost', '2026-05-01T00:00:00Z'), decision: revokePrevious, result: event('PreviousNotRevoked', 'Warning'), want: [] },
    { name: 'RevokedBoth', reason: 'revoked: true during an overlap revokes two tokens', before: withPrevious('Rotated', '2026-05-01T00:10:00Z'), decision: revoke, result: event('Revoked'), want: ['sftoken_token_revocations_total{platform="cloudflare",reason="Revoked"} 2'] },
    { name: 'Deleted', reason: 'the deletion policy Revoke counts as Deleted', before: { ...emptyState, current: token }, decision: revoke, result: event('Revoked'), finalizing: true, want: ['sftoken_token_revocations_total{platform="cloudflare",reason="Deleted"} 1'] },
  ])('$name: $reason', async ({ before, decision, result, finalizing, want }) => {
    expect(await counted(before, decision, result, finalizing)).toEqual(want);
  });
});
