import { renewDue } from '../../core/reconcile/decide.js';
import type { DurableState } from '../../core/reconcile/durable-state.js';
import type { TokenFacts } from '../../core/reconcile/facts.js';
import type { TokenLabels, TokenReading } from '../runtime/token-metrics.js';

/**
 * readingOf is what a token's series show after a reconcile, from its
 * stored state, the outcome written to status and, when the reconcile got
 * that far, the facts it decided on. renewAt is computed for every decision
 * (not only a steady one, as status.renewAt is), so a token whose renewal
 * keeps failing still shows when it was due; without facts of the same
 * token it is 'unknown' and the last value stays. A revoked token has no
 * expiry, renewal or previous token.
 */
export function readingOf(labels: TokenLabels, state: DurableState, outcome: { readonly ready: boolean; readonly reason: string }, facts?: TokenFacts): TokenReading {
  const current = state.revokedAt === undefined ? state.current : undefined;
  const previous = state.revokedAt === undefined ? state.previous : undefined;
  const sameToken = current !== undefined && facts?.current?.record.fingerprint === current.fingerprint ? facts : undefined;
  const renewAt = current === undefined ? undefined : sameToken === undefined ? 'unknown' : renewDue(sameToken);
  return {
    ...labels,
    ready: outcome.ready,
    reason: outcome.reason,
    ...(current === undefined ? {} : { fingerprint: current.fingerprint }),
    ...(current?.expiresAt === undefined ? {} : { expiresAt: new Date(current.expiresAt) }),
    ...(renewAt === undefined ? {} : { renewAt }),
    ...(previous === undefined ? {} : { previousRevokeAt: new Date(previous.revokeAt) }),
    ...(state.pending === undefined ? {} : { inDoubtSince: new Date(state.pending.startedAt) }),
  };
}
