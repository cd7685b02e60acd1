import type { TokenFacts } from '../../core/reconcile/facts.js';
import { rolloutView, waitingFor, type RolloutView } from '../../core/reconcile/rollout.js';

/**
 * RolloutPollMs is how often a token re-reads its restart targets while the
 * previous token waits for them: workloads are not watched (that would cache
 * every Deployment of every namespace), so a pending rollout is polled, and
 * only then.
 */
export const RolloutPollMs = 2000;

/**
 * rolloutStatusOf is the rollout part of a status input: the view when the
 * targets were gathered, null when they need not be (status drops the field
 * and the RolledOut condition), nothing when nothing was gathered (a problem
 * report keeps what status showed).
 */
export function rolloutStatusOf(facts: TokenFacts | undefined): { rollout?: RolloutView | null } {
  if (facts === undefined) return {};
  return { rollout: facts.rollout === undefined ? null : rolloutView(facts.rollout, facts.previous !== undefined) };
}

/** rolloutLook is when to read the targets again (ms since epoch), while the previous token waits for them. */
export function rolloutLook(facts: TokenFacts, now: number): number | undefined {
  const rollout = facts.rollout;
  if (rollout === undefined || facts.previous === undefined || waitingFor(rollout).length === 0) return undefined;
  return now + RolloutPollMs;
}
