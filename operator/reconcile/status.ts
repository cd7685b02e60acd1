import { isDeepStrictEqual } from 'node:util';
import type { Condition, StorefrontTokenStatus, TokenRecord } from '../../core/schema/status.js';
import type { DurableState, DurableToken } from '../../core/reconcile/durable-state.js';
import type { RolloutView } from '../../core/reconcile/rollout.js';

/** ConditionStatus is a condition's status. */
export type ConditionStatus = Condition['status'];

/** An Outcome is what one reconcile ended with, in condition vocabulary. */
export interface Outcome {
  /** ready: the token is issued, delivered and healthy. */
  readonly ready: boolean;
  /** reason is the PascalCase reason for Ready (and for Synced when not synced). */
  readonly reason: string;
  /** message is the stable human message (no timestamps). */
  readonly message: string;
  /** issuing: a create is under way or in doubt. */
  readonly issuing?: { readonly reason: string; readonly message: string };
  /** error: the reconcile could not proceed (Synced=False). */
  readonly error?: { readonly reason: string; readonly message: string };
}

/** StatusInput is everything a status is built from. */
export interface StatusInput {
  readonly generation: number;
  readonly previous: StorefrontTokenStatus | undefined;
  readonly state: DurableState;
  readonly outcome: Outcome;
  readonly renewAt?: Date;
  /** rollout is the restart targets' state: null when there is none to show, absent when unknown (keep what status shows). */
  readonly rollout?: RolloutView | null;
  readonly warnings: readonly string[];
  readonly now: Date;
}

/**
 * setCondition returns conditions with one condition set: observedGeneration
 * always stamped, lastTransitionTime kept unless the status changed
 * (cert-manager's SetCertificateCondition semantics).
 */
export function setCondition(conditions: readonly Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = old !== undefined && old.status === next.status ? old.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition: Condition = { ...next, lastTransitionTime };
  return [...conditions.filter((c) => c.type !== next.type), condition];
}

function record(t: DurableToken): TokenRecord {
  return { fingerprint: t.fingerprint, issuedAt: t.issuedAt, ...(t.id === undefined ? {} : { id: t.id }), ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }) };
}

/** buildStatus renders the status a human reads: conditions, tokens by fingerprint, schedule, history. */
export function buildStatus(input: StatusInput): StorefrontTokenStatus {
  const { outcome, state, generation, now } = input;
  let conditions: Condition[] = [...(input.previous?.conditions ?? [])];
  conditions = setCondition(conditions, {
    type: 'Ready',
    status: outcome.ready ? 'True' : 'False',
    reason: outcome.reason,
    message: outcome.message,
    observedGeneration: generation,
  }, now);
  conditions = setCondition(conditions, {
    type: 'Issuing',
    status: outcome.issuing === undefined ? 'False' : 'True',
    reason: outcome.issuing?.reason ?? 'Idle',
    message: outcome.issuing?.message ?? 'No token is being issued',
    observedGeneration: generation,
  }, now);
  conditions = setCondition(conditions, {
    type: 'Synced',
    status: outcome.error === undefined ? 'True' : 'False',
    reason: outcome.error?.reason ?? 'ReconcileSuccess',
    message: outcome.error?.message ?? 'The token matches its spec',
    observedGeneration: generation,
  }, now);
  if (state.revokedAt !== undefined) {
    conditions = setCondition(conditions, {
      type: 'Revoked',
      status: 'True',
      reason: 'Revoked',
      message: 'The token was revoked at the platform; it will not be reissued',
      observedGeneration: generation,
    }, now);
  }
  conditions = withRolloutCondition(conditions, input.rollout, generation, now);
  const order = ['Ready', 'Issuing', 'Synced', 'RolledOut', 'Revoked'];
  conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  return {
    observedGeneration: generation,
    conditions,
    ...(state.current === undefined ? {} : { current: record(state.current) }),
    ...(state.previous === undefined ? {} : { previous: { ...record(state.previous), revokeAt: state.previous.revokeAt } }),
    ...(input.renewAt === undefined || state.revokedAt !== undefined ? {} : { renewAt: input.renewAt.toISOString() }),
    ...(state.revokedAt === undefined ? {} : { revokedAt: state.revokedAt }),
    ...(state.rotated === undefined ? {} : { lastRotateRequest: state.rotated }),
    ...rolloutField(input),
    ...(state.history.length === 0 ? {} : { history: state.history.slice(0, 10) }),
    ...(input.warnings.length === 0 ? {} : { warnings: [...input.warnings] }),
  };
}

// RolledOut tells whether the restart targets run the current token (True,
// RolledOut) or which ones it still waits for (False, RestartPending or
// RollingOut); it goes when there is no restart to show.
function withRolloutCondition(conditions: Condition[], rollout: RolloutView | null | undefined, generation: number, now: Date): Condition[] {
  if (rollout === undefined) return conditions;
  if (rollout === null) return conditions.filter((c) => c.type !== 'RolledOut');
  return setCondition(conditions, { type: 'RolledOut', status: rollout.done ? 'True' : 'False', reason: rollout.reason, message: rollout.message, observedGeneration: generation }, now);
}

function rolloutField(input: StatusInput): Pick<StorefrontTokenStatus, 'rollout'> {
  const view = input.rollout === undefined ? input.previous?.rollout : input.rollout ?? undefined;
  if (view === undefined) return {};
  return { rollout: { token: view.token, ...(view.restartedAt === undefined ? {} : { restartedAt: view.restartedAt }), targets: view.targets.map((t) => ({ ...t })) } };
}

/** statusChanged tells whether writing `next` would change anything, so an idle operator writes nothing. */
export function statusChanged(previous: StorefrontTokenStatus | undefined, next: StorefrontTokenStatus): boolean {
  return !isDeepStrictEqual(JSON.parse(JSON.stringify(previous ?? {})), JSON.parse(JSON.stringify(next)));
}
