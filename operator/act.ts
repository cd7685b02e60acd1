import { randomUUID } from 'node:crypto';
import type { IssuedToken, Observation, TokenRef } from '../core/adapters/adapter.js';
import { isCoreError } from '../core/errors.js';
import type { Decision } from '../core/reconcile/decide.js';
import type { IssueReason } from '../core/reconcile/facts.js';
import { scheduleFor } from '../core/reconcile/schedule.js';
import type { SecretValue } from '../core/secret.js';
import { crashPoint } from './crashpoint.js';
import { desiredDestination, ownedBy, retractedDestination } from './destination.js';
import type { Gathered } from './gather.js';
import type { Informer } from './informer.js';
import type { KubeClient, SecretObject } from './kube.js';
import { keyOf, secretPath } from './names.js';
import type { ObservationCache } from './observations.js';
import { writeState, type DurableState, type DurableToken, type HistoryEntry, type StoredState } from './state.js';

/** ActDeps are the write sides of a reconcile. */
export interface ActDeps {
  readonly kube: KubeClient;
  readonly secrets: Informer<SecretObject>;
  readonly observations: ObservationCache;
  readonly now: () => Date;
}

/** An EventNote is an event to record because something happened. */
export interface EventNote {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** An ActResult says whether the step changed anything, and what to tell the user. */
export interface ActResult {
  /** changed: the world moved; gather and decide again. */
  readonly changed: boolean;
  /** retryMs asks to come back later without counting a failure (platform gate closed). */
  readonly retryMs?: number;
  readonly event?: EventNote;
}

const retiredAs: Record<IssueReason, HistoryEntry['reason']> = {
  Initial: 'Rotated',
  Rotation: 'Rotated',
  Changed: 'Changed',
  Repair: 'Repaired',
  Lost: 'Lost',
};

// Step carries the latest stored state through a multi-write action.
interface Step {
  readonly deps: ActDeps;
  readonly g: Gathered;
  stored: StoredState;
}

/**
 * act carries out one decision. Every change of durable state is one
 * guarded write of the state Secret, made before the effect it enables
 * (intent before create) or right after the effect it records (new token
 * after create), so a crash at any point leaves something a later reconcile
 * can finish: an intent to resolve, a token to publish, a revoke to repeat.
 */
export async function act(deps: ActDeps, g: Gathered, decision: Decision): Promise<ActResult> {
  const step: Step = { deps, g, stored: g.stored };
  const wait = g.connection.gate.waitMs();
  const needsPlatform = ['resolveInDoubt', 'issue', 'update', 'revokePrevious', 'revoke'].includes(decision.action);
  if (needsPlatform && wait > 0) return { changed: false, retryMs: wait };
  switch (decision.action) {
    case 'resolveInDoubt':
      return resolveInDoubt(step);
    case 'issue':
      return issue(step, decision.reason);
    case 'update':
      return update(step, decision.fields.map((f) => f.path.join('.')).join(', '));
    case 'publish':
      await publish(step);
      return { changed: true, event: { type: 'Normal', reason: 'Published', message: `Secret ${g.spec.secret.name} was ${g.facts.secret}; published token ${g.stored.state.current?.fingerprint ?? ''} again` } };
    case 'revokePrevious':
      return revokePrevious(step);
    case 'revoke':
      return revokeAll(step);
    case 'retractSecret':
      return retract(step);
    case 'blocked':
    case 'wait':
      return { changed: false };
  }
}

async function platform<T>(step: Step, call: () => Promise<T>): Promise<T> {
  const gate = step.g.connection.gate;
  if (!gate.enter()) throw new GateClosed(gate.waitMs());
  let failure: unknown;
  try {
    return await call();
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    gate.leave(failure);
  }
}

/** GateClosed defers a step because the platform connection is backing off or busy. */
export class GateClosed extends Error {
  /** retryMs is when the gate may open. */
  readonly retryMs: number;

  constructor(retryMs: number) {
    super('platform connection is backing off');
    this.name = 'GateClosed';
    this.retryMs = retryMs;
  }
}

async function persist(step: Step, next: DurableState): Promise<void> {
  const { stored, object } = await writeState(step.deps.kube, step.g.token, step.stored, next);
  step.stored = stored;
  if (object !== undefined) step.deps.secrets.remember(object);
}

function refOf(t: DurableToken): TokenRef {
  return { ...(t.id === undefined ? {} : { id: t.id }), ...(t.value === undefined ? {} : { value: t.value }) };
}

function durable(issued: IssuedToken): DurableToken {
  return {
    fingerprint: issued.value.fingerprint,
    issuedAt: issued.issuedAt.toISOString(),
    value: issued.value,
    issued: issued.observed,
    ...(issued.ref.id === undefined ? {} : { id: issued.ref.id }),
    ...(issued.expiresAt === undefined ? {} : { expiresAt: issued.expiresAt.toISOString() }),
  };
}

// adopt makes a new token current; the old one becomes previous, kept valid
// for the overlap after a planned rotation, revoked at once after a repair.
function adopt(step: Step, token: DurableToken, reason: IssueReason): DurableState {
  const { state } = step.stored;
  const now = step.deps.now();
  const { pending: _done, ...rest } = state;
  if (state.current === undefined) return { ...rest, current: token };
  const overlapMs = reason === 'Rotation' || reason === 'Changed' ? scheduleFor(step.g.spec, step.g.capabilities, now).overlapMs : 0;
  const revokeAt = new Date(now.getTime() + overlapMs).toISOString();
  return { ...rest, current: token, previous: { ...state.current, revokeAt, retired: retiredAs[reason] } };
}

function rememberIssued(step: Step, token: DurableToken, observation: Observation): void {
  step.deps.observations.remember(step.g.key, token.fingerprint, observation, step.deps.now().getTime());
}

async function issue(step: Step, reason: IssueReason): Promise<ActResult> {
  const { g, deps } = step;
  const now = deps.now();
  const schedule = scheduleFor(g.spec, g.capabilities, now);
  const key = randomUUID();
  await persist(step, {
    ...step.stored.state,
    pending: { key, reason, startedAt: now.toISOString(), ...(schedule.expiresAt === undefined ? {} : { expiresAt: schedule.expiresAt.toISOString() }) },
  });
  crashPoint('afterIntent');
  let issued: IssuedToken;
  try {
    issued = await platform(step, () => g.connection.client.issue({ spec: g.spec, name: g.facts.name, idempotencyKey: key, ...(schedule.expiresAt === undefined ? {} : { expiresAt: schedule.expiresAt }) }));
  } catch (error) {
    // A definite failure created nothing: drop the intent. An in-doubt one
    // keeps it, and the next reconcile resolves it before anything else.
    if (!isCoreError(error, 'ERR_CREATE_IN_DOUBT') && !(error instanceof GateClosed)) {
      const { pending: _failed, ...rest } = step.stored.state;
      await persist(step, rest);
    }
    throw error;
  }
  crashPoint('afterCreate');
  const token = durable(issued);
  await persist(step, adopt(step, token, reason));
  rememberIssued(step, token, { state: 'active', observed: issued.observed, ...(issued.expiresAt === undefined ? {} : { expiresAt: issued.expiresAt }) });
  crashPoint('afterRecord');
  await publish(step);
  crashPoint('afterPublish');
  const expiry = token.expiresAt === undefined ? 'does not expire' : `expires at ${token.expiresAt}`;
  const what = reason === 'Initial' ? 'Issued' : reason === 'Rotation' ? 'Rotated' : 'Reissued';
  return { changed: true, event: { type: 'Normal', reason: what, message: `${what} token ${token.fingerprint} (${reason}) into Secret ${g.spec.secret.name}; it ${expiry}` } };
}

async function resolveInDoubt(step: Step): Promise<ActResult> {
  const { g, deps } = step;
  const pending = step.stored.state.pending;
  if (pending === undefined) return { changed: false };
  const client = g.connection.client;
  const request = { spec: g.spec, name: g.facts.name, idempotencyKey: pending.key, ...(pending.expiresAt === undefined ? {} : { expiresAt: new Date(pending.expiresAt) }) };
  const found = await platform(step, () => client.resolveInDoubt(request));
  const { pending: _settled, ...settled } = step.stored.state;
  if (found.outcome === 'absent') {
    await persist(step, settled);
    return { changed: true, event: { type: 'Normal', reason: 'CreateNotLanded', message: 'A create that got no answer did not land; issuing again' } };
  }
  if (found.outcome === 'unknowable') {
    const note = `A create started at ${pending.startedAt} got no answer and ${g.spec.platform} cannot list tokens; if it landed, that token expires on its own${pending.expiresAt === undefined ? '' : ` at ${pending.expiresAt}`}`;
    await persist(step, { ...settled, notes: [note, ...settled.notes].slice(0, 5) });
    return { changed: true, event: { type: 'Warning', reason: 'CreateInDoubt', message: note } };
  }
  let value: SecretValue | undefined = found.value;
  let ref = found.ref;
  let expiresAt = found.expiresAt;
  if (value === undefined && client.roll !== undefined && g.capabilities.roll) {
    const roll = client.roll.bind(client);
    const rolled = await platform(step, () => roll(found.ref));
    value = rolled.value;
    ref = rolled.ref;
    expiresAt = rolled.expiresAt ?? expiresAt;
  }
  if (value === undefined) {
    // Found but its value cannot be recovered: it must not stay valid unseen.
    await platform(step, () => client.revoke(found.ref));
    await persist(step, settled);
    return { changed: true, event: { type: 'Normal', reason: 'InDoubtRevoked', message: `Found token ${found.ref.id ?? ''} from a create that got no answer, without its value; revoked it and issuing again` } };
  }
  const token: DurableToken = {
    fingerprint: value.fingerprint,
    issuedAt: deps.now().toISOString(),
    value,
    ...(ref.id === undefined ? {} : { id: ref.id }),
    ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
  };
  await persist(step, adopt(step, token, pending.reason));
  crashPoint('afterRecord');
  await publish(step);
  return { changed: true, event: { type: 'Normal', reason: 'InDoubtAdopted', message: `Adopted token ${token.fingerprint} from a create that got no answer` } };
}

async function update(step: Step, fields: string): Promise<ActResult> {
  const { g, deps } = step;
  const current = step.stored.state.current;
  const client = g.connection.client;
  if (current === undefined || client.update === undefined) return { changed: false };
  const updateFn = client.update.bind(client);
  const schedule = scheduleFor(g.spec, g.capabilities, deps.now());
  const observation = await platform(step, () => updateFn(refOf(current), { spec: g.spec, name: g.facts.name, ...(schedule.expiresAt === undefined ? {} : { expiresAt: schedule.expiresAt }) }));
  deps.observations.remember(g.key, current.fingerprint, observation, deps.now().getTime());
  const { issued: _old, ...base } = current;
  await persist(step, { ...step.stored.state, current: { ...base, ...(observation.observed === undefined ? {} : { issued: observation.observed }) } });
  return { changed: true, event: { type: 'Normal', reason: 'Updated', message: `Updated ${fields} on token ${current.fingerprint} in place` } };
}

async function revokeOne(step: Step, token: DurableToken): Promise<string | undefined> {
  if (token.value === undefined && step.g.capabilities.revokeNeedsValue) {
    return `Token ${token.fingerprint} could not be revoked: ${step.g.spec.platform} revokes only with the value, and none was kept; it expires on its own${token.expiresAt === undefined ? '' : ` at ${token.expiresAt}`}`;
  }
  const client = step.g.connection.client;
  await platform(step, () => client.revoke(refOf(token)));
  return undefined;
}

function historyOf(token: DurableToken, reason: HistoryEntry['reason'], now: Date): HistoryEntry {
  return {
    fingerprint: token.fingerprint,
    issuedAt: token.issuedAt,
    retiredAt: now.toISOString(),
    reason,
    ...(token.id === undefined ? {} : { id: token.id }),
    ...(token.expiresAt === undefined ? {} : { expiresAt: token.expiresAt }),
  };
}

async function revokePrevious(step: Step): Promise<ActResult> {
  const previous = step.stored.state.previous;
  if (previous === undefined) return { changed: false };
  const note = await revokeOne(step, previous);
  crashPoint('afterRevokePrevious');
  const state = step.stored.state;
  const { previous: _gone, ...rest } = state;
  await persist(step, {
    ...rest,
    history: [historyOf(previous, previous.retired, step.deps.now()), ...state.history].slice(0, 10),
    notes: note === undefined ? state.notes : [note, ...state.notes].slice(0, 5),
  });
  return { changed: true, event: { type: 'Normal', reason: 'RevokedPrevious', message: `Revoked the previous token ${previous.fingerprint} at the platform` } };
}

async function revokeAll(step: Step): Promise<ActResult> {
  const state = step.stored.state;
  const notes: string[] = [];
  for (const token of [state.previous, state.current]) {
    if (token === undefined) continue;
    const note = await revokeOne(step, token);
    if (note !== undefined) notes.push(note);
  }
  crashPoint('afterRevoke');
  const now = step.deps.now();
  const retired = [state.current, state.previous].filter((t): t is DurableToken => t !== undefined).map((t) => historyOf(t, 'Revoked', now));
  const { previous: _p, current, ...rest } = state;
  // The values are dead now; keep only what identifies the token.
  const kept = current === undefined ? undefined : (({ value: _v, ...identity }) => identity)(current);
  await persist(step, {
    ...rest,
    ...(kept === undefined ? {} : { current: kept }),
    revokedAt: now.toISOString(),
    history: [...retired, ...state.history].slice(0, 10),
    notes: [...notes, ...state.notes].slice(0, 5),
  });
  crashPoint('afterRevokeRecord');
  const which = retired.map((r) => r.fingerprint).join(', ');
  return { changed: true, event: { type: 'Normal', reason: 'Revoked', message: `Revoked token ${which === '' ? '(none issued)' : which} at the platform` } };
}

/** publish writes the destination Secret from the durable copy; it never touches a Secret we do not own. */
export async function publish(step: { deps: ActDeps; g: Gathered; stored: StoredState }): Promise<void> {
  const { g, deps } = step;
  const desired = desiredDestination(g.token, g.spec, step.stored.state);
  if (desired === undefined) return;
  const actual = deps.secrets.get(keyOf(g.token.namespace, g.spec.secret.name)) ?? g.destination;
  let written: SecretObject | undefined;
  if (actual === undefined) {
    written = await deps.kube.send<SecretObject>('POST', secretPath(g.token.namespace), desired);
  } else {
    if (!ownedBy(actual, g.token.uid)) return;
    const merged: SecretObject = {
      ...desired,
      metadata: {
        ...desired.metadata,
        labels: { ...actual.metadata.labels, ...desired.metadata.labels },
        annotations: { ...actual.metadata.annotations, ...desired.metadata.annotations },
        ...(actual.metadata.resourceVersion === undefined ? {} : { resourceVersion: actual.metadata.resourceVersion }),
      },
    };
    written = await deps.kube.send<SecretObject>('PUT', secretPath(g.token.namespace, g.spec.secret.name), merged);
  }
  if (written !== undefined) deps.secrets.remember(written);
}

async function retract(step: Step): Promise<ActResult> {
  const { g, deps } = step;
  const actual = deps.secrets.get(keyOf(g.token.namespace, g.spec.secret.name)) ?? g.destination;
  if (actual === undefined || !ownedBy(actual, g.token.uid)) return { changed: false };
  if (g.spec.secret.onRevoke === 'Delete') {
    await deps.kube.send('DELETE', secretPath(g.token.namespace, g.spec.secret.name), { preconditions: { uid: actual.metadata.uid } }, undefined, [404]);
    deps.secrets.evict(keyOf(g.token.namespace, g.spec.secret.name));
    return { changed: true, event: { type: 'Normal', reason: 'SecretDeleted', message: `Deleted Secret ${g.spec.secret.name}: its token was revoked` } };
  }
  const written = await deps.kube.send<SecretObject>('PUT', secretPath(g.token.namespace, g.spec.secret.name), retractedDestination(actual, g.spec));
  if (written !== undefined) deps.secrets.remember(written);
  return { changed: true, event: { type: 'Normal', reason: 'SecretEmptied', message: `Emptied key ${g.spec.secret.keys.token} of Secret ${g.spec.secret.name}: its token was revoked` } };
}
