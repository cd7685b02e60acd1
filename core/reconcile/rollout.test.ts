import { describe, expect, it } from 'vitest';
import { capabilityTable } from '../platforms/registry.js';
import { storefrontTokenSpecSchema } from '../schema/storefront-token.js';
import { decide, type Decision } from './decide.js';
import { emptyState, type DurableState } from './durable-state.js';
import type { TokenFacts } from './facts.js';
import { replacedWith, rolloutDue, rolloutView, withRollout, type ConsumerFacts, type RolloutFacts } from './rollout.js';

const at = new Date('2026-12-01T10:00:00Z');
const later = new Date(at.getTime() + 600_000);
const targets = [{ kind: 'Deployment', name: 'web' }, { kind: 'StatefulSet', name: 'db' }] as const;
const withTargets = storefrontTokenSpecSchema.parse({ platform: 'avvyr', secret: { name: 'edge' }, avvyr: { tenantId: 't', allowedOrigins: ['https://a.example'] }, rolloutRestartTargets: targets });
const withoutTargets = { ...withTargets, rolloutRestartTargets: undefined };
const newFp = 'aaaaaaaaaaaa';
const oldFp = 'bbbbbbbbbbbb';

const target = (name: string, patch: Partial<ConsumerFacts> = {}): ConsumerFacts => ({ kind: name === 'db' ? 'StatefulSet' : 'Deployment', name, found: 'found', rolledOut: false, ...patch });
const done = (name: string): ConsumerFacts => target(name, { restartedFor: newFp, rolledOut: true });

/** tokenFacts is a token replaced by newFp, the previous one living until `later`, with the rollout given. */
function tokenFacts(rollout: RolloutFacts | undefined, previous = true): TokenFacts {
  return {
    spec: withTargets,
    name: 'edge',
    capabilities: capabilityTable.avvyr,
    now: at,
    current: { record: { fingerprint: newFp, issuedAt: at.toISOString() }, observation: { state: 'active' } },
    ...(previous ? { previous: { record: { fingerprint: oldFp, issuedAt: at.toISOString() }, revokeAt: later } } : {}),
    secret: 'current',
    valueKept: true,
    ...(rollout === undefined ? {} : { rollout }),
  };
}

const pending = (...ts: ConsumerFacts[]): RolloutFacts => ({ token: newFp, targets: ts });
const restarted = (...ts: ConsumerFacts[]): RolloutFacts => ({ token: newFp, restartedAt: at, targets: ts });

describe('decide: restart consumers, then retire the old token', () => {
  const cases: { name: string; reason: string; facts: TokenFacts; want: Partial<Decision> }[] = [
    { name: 'restart after a rotation', reason: 'a new token was published: every found target is restarted, in one batch', facts: tokenFacts(pending(target('web'), target('db'))), want: { action: 'restartConsumers', targets: [{ kind: 'Deployment', name: 'web' }, { kind: 'StatefulSet', name: 'db' }] } },
    { name: 'restart skips marked and missing targets', reason: 'a target already restarted for this token (a crash after the patch) or absent is not patched', facts: tokenFacts(pending(target('web', { restartedFor: newFp }), target('db', { found: 'missing' }))), want: { action: 'restartConsumers', targets: [] } },
    { name: 'restart after a leak', reason: 'the leaked token is already revoked; the consumers still restart', facts: tokenFacts(pending(target('web')), false), want: { action: 'restartConsumers', targets: [{ kind: 'Deployment', name: 'web' }] } },
    { name: 'rolling out', reason: 'the previous token waits while a restarted target still rolls out', facts: tokenFacts(restarted(done('web'), target('db', { restartedFor: newFp }))), want: { action: 'wait', reason: 'Ready', until: later } },
    { name: 'rolled out', reason: 'every target runs the new token: revoke the previous before the overlap ends', facts: tokenFacts(restarted(done('web'), done('db'))), want: { action: 'revokePrevious', reason: 'RolledOut' } },
    { name: 'rolled out for another token', reason: 'a rollout finished for an older token proves nothing about this one', facts: tokenFacts(restarted(done('web'), target('db', { restartedFor: oldFp, rolledOut: true }))), want: { action: 'wait' } },
    { name: 'missing target', reason: 'a target not found might be a typo for the real consumer: the overlap decides', facts: tokenFacts(restarted(done('web'), target('db', { found: 'missing' }))), want: { action: 'wait', until: later } },
    { name: 'unreadable target', reason: 'a target the operator may not read cannot prove it rolled out', facts: tokenFacts(restarted(done('web'), target('db', { found: 'unreadable' }))), want: { action: 'wait', until: later } },
    { name: 'hard limit', reason: 'the overlap ends whatever the targets say', facts: { ...tokenFacts(restarted(target('web', { restartedFor: newFp }))), now: new Date(later.getTime() + 1) }, want: { action: 'revokePrevious', reason: 'OverlapEnded' } },
    { name: 'nothing to do after the rollout', reason: 'previous gone, targets done: idle', facts: tokenFacts(restarted(done('web'), done('db')), false), want: { action: 'wait', reason: 'Ready' } },
    { name: 'paused', reason: 'pause holds restarts too', facts: { ...tokenFacts(pending(target('web'))), paused: true }, want: { action: 'wait', reason: 'Paused' } },
    { name: 'revoked wins', reason: 'revoked: true revokes; it restarts nothing', facts: { ...tokenFacts(pending(target('web'))), spec: { ...withTargets, revoked: true } }, want: { action: 'revoke' } },
  ];
  it.each(cases)('$name: $reason', ({ facts, want }) => {
    expect(decide(facts)).toMatchObject(want);
  });
});

describe('rollout record', () => {
  const state = (patch: Partial<DurableState>): DurableState => ({ ...emptyState, current: { fingerprint: newFp, issuedAt: at.toISOString() }, ...patch });
  const cases: { name: string; reason: string; got: () => unknown; want: unknown }[] = [
    { name: 'recorded with a replacement', reason: 'the write that makes the new token current asks for the restart', got: () => replacedWith(withTargets, state({ rollout: { token: oldFp, restartedAt: at.toISOString() } }), newFp).rollout, want: { token: newFp } },
    { name: 'not recorded without targets', reason: 'no targets, no restart; an old record goes', got: () => replacedWith(withoutTargets, state({ rollout: { token: oldFp } }), newFp).rollout, want: undefined },
    { name: 'gathered for the current token', reason: 'targets are read while a restart for the current token is recorded', got: () => rolloutDue(withTargets, state({ rollout: { token: newFp } })), want: true },
    { name: 'not gathered for a first token', reason: 'a token never replaced restarts nothing and reads nothing', got: () => rolloutDue(withTargets, state({})), want: false },
    { name: 'not gathered for a stale record', reason: 'a record for another token is ignored', got: () => rolloutDue(withTargets, state({ rollout: { token: oldFp } })), want: false },
    { name: 'not gathered once revoked', reason: 'a revoked token has no consumers to move', got: () => rolloutDue({ ...withTargets, revoked: true }, state({ rollout: { token: newFp } })), want: false },
    { name: 'facts carry the record', reason: 'decide sees when the restart was done', got: () => withRollout(tokenFacts(undefined), state({ rollout: { token: newFp, restartedAt: at.toISOString() } }), [done('web')]).rollout?.restartedAt, want: at },
  ];
  it.each(cases)('$name: $reason', ({ got, want }) => {
    expect(got()).toEqual(want);
  });
});

describe('rolloutView', () => {
  it('names what is still rolling out, and why each target is where it is', () => {
    const view = rolloutView(restarted(done('web'), target('db', { restartedFor: newFp, detail: '1 of 2 replicas updated' }), target('api', { found: 'missing' }), target('jobs', { restartedFor: oldFp })), true);
    expect(view.done).toBe(false);
    expect(view.reason).toBe('RollingOut');
    expect(view.targets.map((t) => t.state)).toEqual(['RolledOut', 'RollingOut', 'NotFound', 'NotRestarted']);
    expect(view.targets[1]?.message).toBe('1 of 2 replicas updated');
    expect(view.message).toContain('StatefulSet/db, Deployment/api, Deployment/jobs');
    expect(view.message).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('says RestartPending before the restart and RolledOut when every target runs the token', () => {
    expect(rolloutView(pending(target('web')), true)).toMatchObject({ done: false, reason: 'RestartPending', targets: [{ state: 'RestartPending' }] });
    expect(rolloutView(restarted(done('web')), false)).toMatchObject({ done: true, reason: 'RolledOut' });
  });
});

describe('spec.rolloutRestartTargets', () => {
  const parse = (targets: unknown): { ok: boolean; paths: string[] } => {
    const r = storefrontTokenSpecSchema.safeParse({ platform: 'avvyr', secret: { name: 'edge' }, avvyr: { tenantId: 't', allowedOrigins: ['https://a.example'] }, rolloutRestartTargets: targets });
    return { ok: r.success, paths: r.success ? [] : r.error.issues.map((i) => i.path.join('.')) };
  };
  const cases: { name: string; reason: string; targets: unknown; want: { ok: boolean; paths: string[] } }[] = [
    { name: 'three kinds', reason: 'Deployments, StatefulSets and DaemonSets can be restarted', targets: [{ kind: 'Deployment', name: 'web' }, { kind: 'StatefulSet', name: 'web' }, { kind: 'DaemonSet', name: 'agent' }], want: { ok: true, paths: [] } },
    { name: 'fails on a duplicate', reason: 'one workload named twice would be waited for twice', targets: [{ kind: 'Deployment', name: 'web' }, { kind: 'Deployment', name: 'web' }], want: { ok: false, paths: ['rolloutRestartTargets.1'] } },
    { name: 'fails on another kind', reason: 'a CronJob has no rollout to wait for', targets: [{ kind: 'CronJob', name: 'nightly' }], want: { ok: false, paths: ['rolloutRestartTargets.0.kind'] } },
    { name: 'fails on a bad name', reason: 'names are Kubernetes object names', targets: [{ kind: 'Deployment', name: 'Web_1' }], want: { ok: false, paths: ['rolloutRestartTargets.0.name'] } },
    { name: 'fails on an empty list', reason: 'an empty list would restart nothing; leave the field out', targets: [], want: { ok: false, paths: ['rolloutRestartTargets'] } },
  ];
  it.each(cases)('$name: $reason', ({ targets, want }) => {
    expect(parse(targets)).toEqual(want);
  });
});
