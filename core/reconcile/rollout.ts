import type { StorefrontTokenSpec } from '../schema/storefront-token.js';
import type { DurableState } from './durable-state.js';
import type { TokenFacts } from './facts.js';

// Restart consumers, then retire the old token. When a token with restart
// targets is replaced, the write that makes the new token current also
// records that consumers must move to it (DurableState.rollout). Then:
//
//   new token published ──► restart every target once (one batch) ──► record restartedAt
//        │                                                                   │
//        │      every target reports the restarted template rolled out ◄─────┘
//        ▼                                   │
//   overlap's end (hard limit) ──────────────┴──► revoke the previous token, whichever is first
//
// What a target is and when it counts as rolled out is the front end's to
// find out (the operator reads the workload controllers' status); core only
// sees the facts below, so it never learns a workload kind.

/** A ConsumerRef names one restart target, opaque to core. */
export interface ConsumerRef {
  readonly kind: string;
  readonly name: string;
}

/**
 * ConsumerFacts is one restart target as the front end found it: whether it
 * exists and can be read, which token its pods were last restarted for, and
 * whether its controller reports that pod template fully rolled out.
 */
export interface ConsumerFacts extends ConsumerRef {
  readonly found: 'found' | 'missing' | 'unreadable';
  /** restartedFor is the fingerprint of the token the pod template was last restarted for. */
  readonly restartedFor?: string;
  /** rolledOut: the controller has observed the current template and every replica runs it. */
  readonly rolledOut: boolean;
  /** detail says what is still pending (e.g. "1 of 3 replicas updated"), for status. */
  readonly detail?: string;
}

/** RolloutFacts is the consumers' restart for the current token, as decide() sees it. */
export interface RolloutFacts {
  /** token is the fingerprint of the current token the consumers must pick up. */
  readonly token: string;
  /** restartedAt is when the targets were restarted; absent while the restart is due. */
  readonly restartedAt?: Date;
  readonly targets: readonly ConsumerFacts[];
}

/**
 * rolloutDue tells a front end whether to gather restart targets at all: only
 * for a live token whose replacement recorded a restart, so a steady token
 * without a rotation behind it costs no reads.
 */
export function rolloutDue(spec: StorefrontTokenSpec, state: DurableState): boolean {
  return (spec.rolloutRestartTargets?.length ?? 0) > 0 && !spec.revoked && state.revokedAt === undefined
    && state.rollout !== undefined && state.rollout.token === state.current?.fingerprint;
}

/** withRollout adds what a front end found about the restart targets to the facts. */
export function withRollout(facts: TokenFacts, state: DurableState, targets: readonly ConsumerFacts[] | undefined): TokenFacts {
  const record = state.rollout;
  if (targets === undefined || record === undefined || record.token !== facts.current?.record.fingerprint) return facts;
  return { ...facts, rollout: { token: record.token, targets, ...(record.restartedAt === undefined ? {} : { restartedAt: new Date(record.restartedAt) }) } };
}

/** rolledOut tells whether a target runs the current token: restarted for it and fully rolled out. */
export function rolledOut(rollout: RolloutFacts, target: ConsumerFacts): boolean {
  return target.found === 'found' && target.restartedFor === rollout.token && target.rolledOut;
}

/**
 * dueForRestart are the targets the restart must patch: found, and not yet
 * restarted for this token (a crash after the patch leaves them marked, so
 * the restart after it patches nothing twice).
 */
export function dueForRestart(rollout: RolloutFacts): ConsumerFacts[] {
  return rollout.targets.filter((t) => t.found === 'found' && t.restartedFor !== rollout.token);
}

/** waitingFor are the targets the previous token's early revocation still waits for. */
export function waitingFor(rollout: RolloutFacts): ConsumerFacts[] {
  return rollout.targets.filter((t) => !rolledOut(rollout, t));
}

/** describeTargets names targets for messages: "Deployment/web, StatefulSet/db". */
export function describeTargets(targets: readonly ConsumerRef[]): string {
  return targets.map((t) => `${t.kind}/${t.name}`).join(', ');
}

/** TargetState is a restart target's state as status shows it. */
export type TargetState = 'RestartPending' | 'RollingOut' | 'RolledOut' | 'NotRestarted' | 'NotFound' | 'Unreadable';

/** RolloutView is the rollout as status shows it, and a summary for the RolledOut condition. */
export interface RolloutView {
  readonly token: string;
  readonly restartedAt?: string;
  readonly targets: readonly { readonly kind: string; readonly name: string; readonly state: TargetState; readonly message?: string }[];
  /** done: every target runs the current token. */
  readonly done: boolean;
  /** reason and message summarise it for a condition (stable, no timestamps). */
  readonly reason: 'RolledOut' | 'RestartPending' | 'RollingOut';
  readonly message: string;
}

function stateOf(rollout: RolloutFacts, t: ConsumerFacts): TargetState {
  if (t.found === 'missing') return 'NotFound';
  if (t.found === 'unreadable') return 'Unreadable';
  if (t.restartedFor !== rollout.token) return rollout.restartedAt === undefined ? 'RestartPending' : 'NotRestarted';
  return t.rolledOut ? 'RolledOut' : 'RollingOut';
}

/** rolloutView renders the rollout facts for status. */
export function rolloutView(rollout: RolloutFacts, previousLive: boolean): RolloutView {
  const targets = rollout.targets.map((t) => ({ kind: t.kind, name: t.name, state: stateOf(rollout, t), ...(t.detail === undefined ? {} : { message: t.detail }) }));
  const waiting = waitingFor(rollout);
  const base = { token: rollout.token, targets, ...(rollout.restartedAt === undefined ? {} : { restartedAt: rollout.restartedAt.toISOString() }) };
  if (rollout.restartedAt === undefined) {
    return { ...base, done: false, reason: 'RestartPending', message: `Restarting ${describeTargets(rollout.targets)} to pick up token ${rollout.token}` };
  }
  if (waiting.length === 0) return { ...base, done: true, reason: 'RolledOut', message: `Every restart target runs token ${rollout.token}` };
  const then = previousLive ? '; the previous token is revoked when they finish or when the overlap ends' : '';
  return { ...base, done: false, reason: 'RollingOut', message: `Waiting for ${describeTargets(waiting)} to roll out token ${rollout.token}${then}` };
}

/**
 * replacedWith records, in the write that makes a replacement current, that
 * the consumers must move to it (when restart targets are set); any older
 * record goes, so each new token is restarted for once.
 */
export function replacedWith(spec: StorefrontTokenSpec, state: DurableState, fingerprint: string): DurableState {
  const { rollout: _older, ...rest } = state;
  return (spec.rolloutRestartTargets?.length ?? 0) > 0 ? { ...rest, rollout: { token: fingerprint } } : rest;
}
