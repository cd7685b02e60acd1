import type { Decision } from '../../core/reconcile/decide.js';
import type { DurableState } from '../../core/reconcile/durable-state.js';
import type { StepResult } from '../../core/reconcile/execute.js';
import type { TokenMetrics } from '../runtime/token-metrics.js';

/** A Step is one carried-out decision: the state it acted on and what it reported. */
export interface Step {
  readonly platform: string;
  readonly before: DurableState;
  readonly decision: Decision;
  readonly result: StepResult;
}

/** IssuedEvents are the event reasons of a step that put a new token in place of the current one. */
const IssuedEvents: ReadonlySet<string> = new Set(['Rotated', 'Reissued', 'LeakResponse', 'Rolled']);
/** Immediate are retirement reasons whose previous token is revoked at once, with no overlap. */
const Immediate: ReadonlySet<string> = new Set(['Leaked', 'Lost', 'Repaired']);

/**
 * countStep counts what a carried-out step did, read from the decision, the
 * state it acted on and the event the step reported (so a step that found
 * nothing to do counts nothing): a rotation by the decision's reason, and
 * revocations by why the token went. A previous token revoked before its
 * overlap ended, to keep at most two tokens valid, counts as AtMostTwo.
 */
export function countStep(metrics: TokenMetrics, step: Step, options: { readonly now: Date; readonly finalizing: boolean }): void {
  const { platform, before, decision, result } = step;
  const event = result.event?.reason;
  if (!result.changed || event === undefined) return;
  switch (decision.action) {
    case 'issue':
      if (IssuedEvents.has(event)) metrics.rotated(platform, decision.reason);
      return;
    case 'resolveInDoubt':
      if (event === 'InDoubtAdopted' && before.pending !== undefined && before.pending.reason !== 'Initial') metrics.rotated(platform, before.pending.reason);
      if (event === 'InDoubtRevoked') metrics.revoked(platform, 'InDoubt');
      return;
    case 'revokePrevious':
      if (event === 'RevokedPrevious' && before.previous !== undefined) metrics.revoked(platform, previousReason(before.previous, options.now));
      return;
    case 'revoke':
      if (result.event?.type === 'Normal') metrics.revoked(platform, options.finalizing ? 'Deleted' : 'Revoked', [before.current, before.previous].filter((t) => t !== undefined).length);
      return;
    default:
  }
}

function previousReason(previous: NonNullable<DurableState['previous']>, now: Date): string {
  if (Immediate.has(previous.retired)) return previous.retired;
  return Date.parse(previous.revokeAt) > now.getTime() ? 'AtMostTwo' : 'OverlapEnded';
}
