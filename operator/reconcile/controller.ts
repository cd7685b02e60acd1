import { isKubeError } from '../../kube/errors.js';
import { isCoreError } from '../../core/errors.js';
import { decide, renewDue, type Decision } from '../../core/reconcile/decide.js';
import { act, GateClosed, type ActDeps, type EventNote } from './act.js';
import { ownedBy } from './destination.js';
import { isConflict, isOperatorError } from '../errors.js';
import type { EventRecorder } from '../runtime/events.js';
import { ensureFinalizer, hasFinalizer, releaseDestination, removeFinalizer } from './finalizer.js';
import { gather, type GatherDeps, type Gathered } from './gather.js';
import type { Informer } from '../runtime/informer.js';
import type { Logger } from '../runtime/logger.js';
import type { OperatorMetrics } from '../runtime/metrics.js';
import { keyOf, stateSecretName, tokenPath } from '../names.js';
import type { StorefrontTokenObject } from '../objects.js';
import { isProblem, type Problem } from './problem.js';
import type { Reconciler } from '../runtime/queue.js';
import { emptyState, holdsTokens, type DurableState, type DurableToken } from '../../core/reconcile/durable-state.js';
import { decodeState, releaseState, trustedState } from './state.js';
import { buildStatus, statusChanged, type Outcome } from './status.js';
import { rolloutLook, rolloutStatusOf } from './rollout-status.js';
import { countStep } from '../observability/step-counts.js';
import { readingOf } from '../observability/token-reading.js';

/** ControllerDeps wire a reconciler to the world. */
export interface ControllerDeps extends GatherDeps, ActDeps {
  readonly tokens: Informer<StorefrontTokenObject>;
  readonly events: EventRecorder;
  readonly metrics: OperatorMetrics;
  readonly log: Logger;
  /** maxSteps bounds the steps of one reconcile before it yields its worker. @default 8 */
  readonly maxSteps?: number;
}

const noRetry = undefined;
/** ScopeRetryMs is how long a token whose scope does not exist waits before asking again. */
const ScopeRetryMs = 5 * 60_000;

/**
 * makeReconciler returns the StorefrontToken reconciler: gather facts,
 * decide (core), carry out one step, persist, and loop while steps change
 * something; then mirror the outcome into status and say when to look again
 * (renewal, end of overlap, next platform poll). Business decisions live in
 * core/reconcile; this only gathers, acts and persists.
 */
export function makeReconciler(deps: ControllerDeps): Reconciler {
  return async (key) => {
    const object = deps.tokens.get(key);
    if (object === undefined) {
      deps.observations.forget(key);
      deps.metrics.tokens.forget(key);
      return noRetry;
    }
    const started = performance.now();
    try {
      const next = object.metadata.deletionTimestamp === undefined ? await reconcileLive(deps, object) : await finalize(deps, object);
      deps.metrics.reconciles.inc({ result: 'success' });
      return next;
    } catch (error) {
      deps.metrics.reconciles.inc({ result: 'error' });
      deps.metrics.reconcileErrors.inc({ reason: errorReason(error) });
      throw error;
    } finally {
      deps.metrics.reconcileSeconds.observe((performance.now() - started) / 1000);
    }
  };
}

async function reconcileLive(deps: ControllerDeps, initial: StorefrontTokenObject): Promise<number | undefined> {
  let object = initial;
  let gathered: Gathered | undefined;
  for (let i = 0; i < (deps.maxSteps ?? 8); i++) {
    const g = await gather(deps, object);
    if (isProblem(g)) return reportProblem(deps, object, g);
    gathered = g;
    if (!hasFinalizer(object)) object = await ensureFinalizer(deps.kube, deps.tokens, object);
    const decision = decide(g.facts);
    let result;
    try {
      result = await act(deps, g, decision);
    } catch (error) {
      return await reportFailure(deps, object, g, decision, error);
    }
    deps.metrics.actions.inc({ action: decision.action, reason: decision.reason });
    countStep(deps.metrics.tokens, { platform: g.spec.platform, before: g.stored.state, decision, result }, { now: deps.now(), finalizing: false });
    if (result.event !== undefined) emit(deps, object, result.event);
    if (result.changed) {
      deps.log.info({ token: g.key, action: decision.action, reason: decision.reason }, decision.message);
      continue;
    }
    await writeStatus(deps, object, g.stored.state, outcomeOf(decision, g), { gathered: g, decision });
    if (result.retryMs !== undefined) return result.retryMs;
    return nextLook(deps, g, decision);
  }
  // Step budget spent (a long chain of changes): yield the worker and come back.
  if (gathered !== undefined) deps.log.debug({ token: gathered.key }, 'step budget spent; requeueing');
  return 0;
}

function nextLook(deps: ControllerDeps, g: Gathered, decision: Decision): number | undefined {
  if (decision.action === 'blocked' || (decision.action === 'wait' && decision.reason !== 'Ready')) return noRetry;
  const now = deps.now().getTime();
  const times: number[] = [];
  if (decision.action === 'wait' && decision.until !== undefined) times.push(decision.until.getTime());
  const poll = deps.observations.dueAt(g.key, deps.pollIntervalMs);
  times.push(poll ?? now + deps.pollIntervalMs);
  const rollout = rolloutLook(g.facts, now);
  if (rollout !== undefined) times.push(rollout);
  return Math.max(0, Math.min(...times) - now);
}

function outcomeOf(decision: Decision, g?: Gathered): Outcome {
  switch (decision.action) {
    case 'wait':
      if (decision.reason === 'Paused') {
        // Paused is not a failure of the token: Ready tells whether what is published still works.
        const current = g?.facts.current;
        const works = current !== undefined && g?.facts.secret === 'current' && !['revoked', 'expired', 'missing'].includes(current.observation.state);
        return { ready: works, reason: works ? 'Ready' : 'Paused', message: works ? 'Token issued and delivered; reconciling is paused' : decision.message, error: { reason: 'Paused', message: decision.message } };
      }
      return decision.reason === 'Ready'
        ? { ready: true, reason: 'Ready', message: decision.message }
        : { ready: false, reason: decision.reason, message: decision.message };
    case 'blocked':
      return { ready: false, reason: decision.reason, message: decision.message, error: { reason: decision.reason, message: decision.message } };
    case 'issue':
    case 'resolveInDoubt':
      return { ready: false, reason: decision.reason, message: decision.message, issuing: { reason: decision.reason, message: decision.message } };
    default:
      return { ready: false, reason: decision.reason, message: decision.message };
  }
}

function emit(deps: ControllerDeps, object: StorefrontTokenObject, note: EventNote): void {
  void deps.events.record(object, note.type, note.reason, note.message);
}

async function writeStatus(deps: ControllerDeps, object: StorefrontTokenObject, state: DurableState, outcome: Outcome, g?: { gathered: Gathered; decision?: Decision }): Promise<void> {
  const latest = deps.tokens.get(`${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`) ?? object;
  const renewAt = g?.decision?.action !== 'wait' ? undefined : renewDue(g.gathered.facts);
  const warnings = [...(g?.gathered.warnings ?? []), ...state.notes];
  const status = buildStatus({ generation: latest.metadata.generation ?? 0, previous: latest.status, state, outcome, ...(renewAt === undefined ? {} : { renewAt }), ...rolloutStatusOf(g?.gathered.facts), warnings, now: deps.now() });
  const namespace = latest.metadata.namespace ?? '';
  const name = latest.metadata.name ?? '';
  // Without gathered facts (a problem) status holds no in-doubt create: the stored state does.
  const held = g === undefined ? storedState(deps, namespace, name, latest.metadata.uid ?? '') ?? state : state;
  const platform = g?.gathered.spec.platform ?? (latest.spec as { platform?: string } | undefined)?.platform ?? 'unknown';
  deps.metrics.tokens.record(keyOf(namespace, name), readingOf({ namespace, name, platform }, held, outcome, g?.gathered.facts));
  if (!statusChanged(latest.status, status)) return;
  // Merge patch: fields that disappeared are sent as null so they are removed.
  const patch: Record<string, unknown> = { ...status };
  for (const field of Object.keys(latest.status ?? {})) if (!(field in status)) patch[field] = null;
  const written = await deps.kube.mergePatch<StorefrontTokenObject>(tokenPath(latest.metadata.namespace, latest.metadata.name, 'status'), { status: patch });
  if (written !== undefined) deps.tokens.remember(written);
}

// A problem is reported once: an event only when the reason or message is new.
async function reportProblem(deps: ControllerDeps, object: StorefrontTokenObject, problem: Problem): Promise<number | undefined> {
  const synced = object.status?.conditions?.find((c) => c.type === 'Synced');
  if (synced?.reason !== problem.reason || synced.message !== problem.message) emit(deps, object, { type: 'Warning', reason: problem.reason, message: problem.message });
  await writeStatus(deps, object, stateOf(object), { ready: false, reason: problem.reason, message: problem.message, error: problem });
  return problem.retryMs;
}

// Without a gathered state (bad spec, no connection) status keeps its token records.
function stateOf(object: StorefrontTokenObject): DurableState {
  const s = object.status;
  if (s === undefined) return emptyState;
  const rec = (r: { id?: string | undefined; fingerprint: string; issuedAt: string; expiresAt?: string | undefined }): DurableToken => ({
    fingerprint: r.fingerprint,
    issuedAt: r.issuedAt,
    ...(r.id === undefined ? {} : { id: r.id }),
    ...(r.expiresAt === undefined ? {} : { expiresAt: r.expiresAt }),
  });
  return {
    ...(s.current === undefined ? {} : { current: rec(s.current) }),
    ...(s.previous === undefined ? {} : { previous: { ...rec(s.previous), revokeAt: s.previous.revokeAt, retired: 'Rotated' as const } }),
    ...(s.revokedAt === undefined ? {} : { revokedAt: s.revokedAt }),
    ...(s.lastRotateRequest === undefined ? {} : { rotated: s.lastRotateRequest }),
    history: (s.history ?? []).map((h) => ({ ...rec(h), retiredAt: h.retiredAt, reason: h.reason })),
    notes: [],
  };
}

async function reportFailure(deps: ControllerDeps, object: StorefrontTokenObject, g: Gathered, decision: Decision, error: unknown): Promise<number | undefined> {
  if (error instanceof GateClosed) return error.retryMs;
  // Conflicts are someone else's newer write: requeue quietly, never a condition.
  if (isConflict(error)) throw error;
  const reason = errorReason(error);
  const message = `${decision.message}: ${error instanceof Error ? error.message : String(error)}`;
  deps.log.warn({ token: g.key, action: decision.action, reason, err: describe(error) }, 'step failed');
  const latest = deps.tokens.get(g.key) ?? object;
  const synced = latest.status?.conditions?.find((c) => c.type === 'Synced');
  if (synced?.reason !== reason || synced.message !== message) emit(deps, latest, { type: 'Warning', reason, message });
  // act may have persisted steps before failing; show what is stored now.
  const state = storedState(deps, g.token.namespace, g.token.name, g.token.uid) ?? g.stored.state;
  // A scope that does not exist will not appear by retrying fast: say so on
  // Ready (not "issuing") and look again slowly, or when the spec changes.
  const settled = isCoreError(error, 'ERR_SCOPE_NOT_FOUND');
  const outcome = settled ? { ready: false, reason, message: error.message, error: { reason, message } } : { ...outcomeOf(decision), ready: false, error: { reason, message } };
  await writeStatus(deps, latest, state, outcome, { gathered: g }).catch(() => undefined);
  if (settled) return ScopeRetryMs;
  throw error;
}

function storedState(deps: ControllerDeps, namespace: string, name: string, uid: string): DurableState | undefined {
  const secret = deps.secrets.get(keyOf(namespace, stateSecretName(name)));
  return secret === undefined || !trustedState(secret, uid) ? undefined : decodeState(secret).state;
}

function describe(error: unknown): Record<string, unknown> {
  if (isCoreError(error)) return { code: error.code, message: error.message, platform: error.platform, status: error.status };
  if (isOperatorError(error)) return { code: error.code, message: error.message, status: error.status };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** errorReason maps an error to a PascalCase condition reason. */
export function errorReason(error: unknown): string {
  if (isCoreError(error)) {
    const words = error.code.replace(/^ERR_/, '').toLowerCase().split('_');
    return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  }
  if (isConflict(error)) return 'Conflict';
  if (isKubeError(error)) return 'KubernetesError';
  return 'ReconcileError';
}

/**
 * finalize runs the deletion policy: Revoke settles any in-doubt create and
 * revokes every live token (core decides, as if spec.revoked were true);
 * Orphan releases the destination Secret so it outlives the resource. Only
 * then is the finalizer removed; owned Secrets go to garbage collection.
 */
async function finalize(deps: ControllerDeps, object: StorefrontTokenObject): Promise<number | undefined> {
  if (!hasFinalizer(object)) return noRetry;
  const policy = (object.spec as { deletionPolicy?: string } | undefined)?.deletionPolicy ?? 'Revoke';
  for (let i = 0; i < (deps.maxSteps ?? 8); i++) {
    const g = await gather(deps, object, { revoke: policy === 'Revoke' });
    if (isProblem(g)) {
      // Nothing was ever issued: nothing to revoke, let it go.
      const state = storedState(deps, object.metadata.namespace ?? '', object.metadata.name ?? '', object.metadata.uid ?? '') ?? emptyState;
      if (!holdsTokens(state)) break;
      return reportProblem(deps, object, { ...g, retryMs: g.retryMs ?? 30_000 });
    }
    if (policy === 'Orphan') {
      if (g.destination !== undefined && ownedBy(g.destination, g.token.uid)) await releaseDestination(deps.kube, g.destination, g.token.uid);
      emit(deps, object, { type: 'Normal', reason: 'Orphaned', message: `Left token ${g.stored.state.current?.fingerprint ?? ''} valid and Secret ${g.spec.secret.name} in place (deletionPolicy Orphan)` });
      break;
    }
    const decision = decide(g.facts);
    if (decision.action !== 'resolveInDoubt' && decision.action !== 'revoke') break;
    let result;
    try {
      result = await act(deps, g, decision);
    } catch (error) {
      return await reportFailure(deps, object, g, decision, error);
    }
    if (result.retryMs !== undefined) return result.retryMs;
    countStep(deps.metrics.tokens, { platform: g.spec.platform, before: g.stored.state, decision, result }, { now: deps.now(), finalizing: true });
    if (result.event !== undefined) emit(deps, object, result.event);
  }
  // The state goes only once the policy has run: until then it is what revokes.
  const stateSecret = deps.secrets.get(keyOf(object.metadata.namespace ?? '', stateSecretName(object.metadata.name ?? '')));
  if (stateSecret !== undefined && trustedState(stateSecret, object.metadata.uid ?? '')) await releaseState(deps.kube, deps.secrets, stateSecret);
  await removeFinalizer(deps.kube, deps.tokens, object);
  deps.log.info({ token: `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`, policy }, 'deletion policy done; finalizer removed');
  return noRetry;
}
