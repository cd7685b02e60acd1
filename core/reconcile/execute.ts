import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { InDoubtResolution, IssuedToken, IssueRequest, ObservedSpec, PlatformClient, TokenRef } from '../contract/adapter.js';
import type { Capabilities } from '../contract/capabilities.js';
import { destinationContent, retractedContent } from '../delivery/secret-content.js';
import { CoreError, isCoreError } from '../errors.js';
import type { SecretValue } from '../secret.js';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';
import type { Decision } from './decide.js';
import { historyOf, HISTORY_LIMIT, withNote, type DurableState, type DurableToken, type HistoryEntry } from './durable-state.js';
import type { IssueReason } from './facts.js';
import type { Consumers, Destination, EventNote, ExecuteHooks, PlatformGate, TokenStore } from './ports.js';
import { describeTargets, replacedWith, type ConsumerRef } from './rollout.js';
import { scheduleFor } from './schedule.js';
import { scopeNotFound } from './scope.js';

// execute carries out one Decision for both front ends. Every change of
// durable state is one TokenStore.save, made before the effect it enables
// (the intent before a create) or right after the effect it records (the new
// token right after the create), so a crash at any point leaves something
// the next run finishes: an intent to resolve, a token to publish, a revoke
// to repeat. The front ends only gather facts, call decide() and this, and
// translate the result into conditions, events or diagnostics.
//
//   gather ──> decide(facts) ──> execute(decision) ──> TokenStore / Destination / PlatformClient
//      ^                                   │
//      └──────── changed: gather again ────┘

/** An Execution is one token's engine: what it is, and the ports it acts through. */
export interface Execution {
  readonly spec: StorefrontTokenSpec;
  /** name is the resolved display name sent to platforms whose tokens have names. */
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly client: PlatformClient;
  readonly store: TokenStore;
  readonly destination: Destination;
  /** consumers restarts spec.rolloutRestartTargets; without it a restart step only records itself. */
  readonly consumers?: Consumers;
  readonly now: () => Date;
  readonly signal?: AbortSignal;
  /** gate wraps every platform call. @default calls straight through */
  readonly gate?: PlatformGate;
  readonly hooks?: ExecuteHooks;
  /** newKey makes an idempotency key for a create. @default randomUUID */
  readonly newKey?: () => string;
}

/** A StepResult says whether the step changed anything, and what to tell the user. */
export interface StepResult {
  /** changed: the world moved; gather and decide again. */
  readonly changed: boolean;
  readonly event?: EventNote;
}

const unchanged: StepResult = { changed: false };

/** InDoubtSettleMs is how old a create in doubt must be before a platform's "absent" is believed. */
export const InDoubtSettleMs = 3000;

/** execute carries out one decision; it throws CoreErrors (and the ports' errors) on failure. */
export async function execute(x: Execution, decision: Decision): Promise<StepResult> {
  switch (decision.action) {
    case 'resolveInDoubt':
      return resolveInDoubt(x);
    case 'issue':
      return issue(x, decision.reason, decision.request);
    case 'update':
      return update(x, decision.fields.map((f) => f.path.join('.')).join(', '));
    case 'publish':
      return (await publish(x)) ? { changed: true, event: { type: 'Normal', reason: 'Published', message: `Secret ${x.spec.secret.name} was missing, edited or reshaped; published token ${x.store.state.current?.fingerprint ?? ''} again` } } : unchanged;
    case 'revokePrevious':
      return revokePrevious(x);
    case 'restartConsumers':
      return restartConsumers(x, decision.targets);
    case 'revoke':
      return revokeAll(x);
    case 'retractSecret':
      return retract(x);
    case 'blocked':
    case 'wait':
      return unchanged;
  }
}

function call<T>(x: Execution, fn: () => Promise<T>): Promise<T> {
  return x.gate === undefined ? fn() : x.gate(fn);
}

function crash(x: Execution, step: Parameters<NonNullable<ExecuteHooks['crashPoint']>>[0]): void {
  x.hooks?.crashPoint?.(step);
}

/** refOf is how the platform finds a kept token: its id, and its value where the platform needs it. */
export function refOf(t: DurableToken): TokenRef {
  return { ...(t.id === undefined ? {} : { id: t.id }), ...(t.value === undefined ? {} : { value: t.value }) };
}

function durable(issued: { ref: TokenRef; value: SecretValue; expiresAt?: Date | undefined; observed?: IssuedToken['observed'] }, now: Date): DurableToken {
  return {
    fingerprint: issued.value.fingerprint,
    issuedAt: now.toISOString(),
    value: issued.value,
    ...(issued.observed === undefined ? {} : { issued: issued.observed }),
    ...(issued.ref.id === undefined ? {} : { id: issued.ref.id }),
    ...(issued.expiresAt === undefined ? {} : { expiresAt: issued.expiresAt.toISOString() }),
  };
}

const retiredAs: Record<IssueReason, HistoryEntry['reason']> = { Initial: 'Rotated', Rotation: 'Rotated', Changed: 'Changed', Repair: 'Repaired', Lost: 'Lost', Requested: 'Requested', Leaked: 'Leaked' };

/**
 * keepsOverlap: only a planned replacement (a rotation, a requested
 * rotation, a changed setting) leaves the previous token valid for the
 * overlap; a dead, lost, leaked or undelivered one is retired at once.
 */
export function keepsOverlap(reason: IssueReason): boolean {
  return reason === 'Rotation' || reason === 'Changed' || reason === 'Requested';
}

// adopted makes a new token current; the old one becomes previous, revoked
// when its overlap ends (at once when there is none). The rotate-now request
// the token answers is recorded in the same write.
function adopted(x: Execution, token: DurableToken, reason: IssueReason, request: string | undefined): DurableState {
  const { pending: _done, ...rest } = x.store.state;
  const state = request === undefined ? rest : { ...rest, rotated: request };
  if (state.current === undefined) return { ...state, current: token };
  const now = x.now();
  const overlapMs = keepsOverlap(reason) ? scheduleFor(x.spec, x.capabilities, now).overlapMs : 0;
  return { ...replacedWith(x.spec, state, token.fingerprint), current: token, previous: { ...state.current, revokeAt: new Date(now.getTime() + overlapMs).toISOString(), retired: retiredAs[reason] } };
}

// `sent` replays a recorded create: the display name and platform block it sent then, not the spec's now.
function requestOf(x: Execution, key: string, expiresAt: Date | undefined, sent?: ObservedSpec): IssueRequest {
  const spec: StorefrontTokenSpec = sent === undefined ? x.spec : { ...x.spec, [x.spec.platform]: sent.block };
  return { spec, name: sent?.displayName ?? x.name, idempotencyKey: key, ...(expiresAt === undefined ? {} : { expiresAt }) };
}

/** sentOf is what a create sends besides its key and expiry: the display name and the platform block. */
function sentOf(x: Execution): ObservedSpec {
  return { displayName: x.name, block: { ...(x.spec[x.spec.platform] ?? {}) } };
}

async function record(x: Execution, token: DurableToken, reason: IssueReason, request: string | undefined): Promise<void> {
  await x.store.save(adopted(x, token, reason, request));
  x.hooks?.observed?.(token.fingerprint, { state: 'active', ...(token.issued === undefined ? {} : { observed: token.issued }), ...(token.expiresAt === undefined ? {} : { expiresAt: new Date(token.expiresAt) }) });
  crash(x, 'afterRecord');
  await publish(x);
}

function issuedEvent(x: Execution, token: DurableToken, reason: IssueReason, replaced: DurableToken | undefined): EventNote {
  if (reason === 'Leaked') {
    return { type: 'Warning', reason: 'LeakResponse', message: `Issued token ${token.fingerprint} into Secret ${x.spec.secret.name} and revoking the previous token ${replaced?.fingerprint ?? ''} at once (rotate with revoke-previous-now)` };
  }
  const expiry = token.expiresAt === undefined ? 'does not expire' : `expires at ${token.expiresAt}`;
  const what = reason === 'Initial' ? 'Issued' : reason === 'Rotation' || reason === 'Requested' ? 'Rotated' : 'Reissued';
  return { type: 'Normal', reason: what, message: `${what} token ${token.fingerprint} (${reason}) into Secret ${x.spec.secret.name}; it ${expiry}` };
}

async function issue(x: Execution, reason: IssueReason, request: string | undefined): Promise<StepResult> {
  const current = x.store.state.current;
  // A lost value is replaced in place where the platform can roll: the lost
  // copy dies at once and no second token ever exists.
  if (reason === 'Lost' && x.capabilities.roll && x.client.roll !== undefined && current?.id !== undefined) return roll(x, current, reason, request);
  const now = x.now();
  const schedule = scheduleFor(x.spec, x.capabilities, now);
  const key = (x.newKey ?? randomUUID)();
  await x.store.save({
    ...x.store.state,
    pending: { key, reason, startedAt: now.toISOString(), sent: sentOf(x), ...(schedule.expiresAt === undefined ? {} : { expiresAt: schedule.expiresAt.toISOString() }), ...(request === undefined ? {} : { request }) },
  });
  crash(x, 'afterIntent');
  let issued: IssuedToken;
  try {
    issued = await call(x, () => x.client.issue(requestOf(x, key, schedule.expiresAt), x.signal));
  } catch (error) {
    // In doubt: the intent stays and the next decision settles it. Any
    // other failure created nothing, so the intent goes.
    if (isCoreError(error, 'ERR_CREATE_IN_DOUBT')) return { changed: true };
    const { pending: _failed, ...rest } = x.store.state;
    await x.store.save(rest);
    throw isCoreError(error, 'ERR_PLATFORM_NOT_FOUND') ? scopeNotFound(x.spec, error) : error;
  }
  crash(x, 'afterCreate');
  const token = durable(issued, issued.issuedAt);
  await record(x, token, reason, request);
  crash(x, 'afterPublish');
  return { changed: true, event: issuedEvent(x, token, reason, current) };
}

async function roll(x: Execution, current: DurableToken, reason: IssueReason, request: string | undefined): Promise<StepResult> {
  const rollFn = x.client.roll?.bind(x.client);
  if (rollFn === undefined) return unchanged;
  const rolled = await call(x, () => rollFn(refOf(current), x.signal));
  crash(x, 'afterCreate');
  const token = { ...durable(rolled, rolled.issuedAt), ...(current.issued === undefined ? {} : { issued: current.issued }) };
  const { current: _lost, ...rest } = x.store.state;
  await x.store.save({ ...replacedWith(x.spec, rest, token.fingerprint), ...(request === undefined ? {} : { rotated: request }), current: token, history: [historyOf(current, retiredAs[reason], x.now()), ...rest.history].slice(0, HISTORY_LIMIT) });
  crash(x, 'afterRecord');
  await publish(x);
  crash(x, 'afterPublish');
  return { changed: true, event: { type: 'Normal', reason: 'Rolled', message: `Rolled token ${current.id ?? current.fingerprint} to a new value ${token.fingerprint} (${reason}) into Secret ${x.spec.secret.name}; the lost value no longer works` } };
}

async function resolveInDoubt(x: Execution): Promise<StepResult> {
  const pending = x.store.state.pending;
  if (pending === undefined) return unchanged;
  const { client } = x;
  const resolve = (): Promise<InDoubtResolution> => call(x, () => client.resolveInDoubt(requestOf(x, pending.key, pending.expiresAt === undefined ? undefined : new Date(pending.expiresAt), pending.sent), x.signal));
  let found = await resolve();
  // A create sent by a process that died a moment ago may still be on its way to being committed: a list
  // that comes first says "absent", and issuing again would leave the late one live and unrecorded. So
  // "absent" counts only once the create is older than the settle time.
  const young = Date.parse(pending.startedAt) + InDoubtSettleMs - x.now().getTime();
  if (found.outcome === 'absent' && young > 0) {
    await delay(young, undefined, x.signal === undefined ? {} : { signal: x.signal }).catch((cause: unknown) => {
      throw new CoreError('ERR_ABORTED', 'Stopped while waiting for a create in doubt to settle', { cause, platform: x.spec.platform });
    });
    found = await resolve();
  }
  const { pending: _settled, ...settled } = x.store.state;
  if (found.outcome === 'absent') {
    await x.store.save(settled);
    return { changed: true, event: { type: 'Normal', reason: 'CreateNotLanded', message: 'A create that got no answer did not land; issuing again' } };
  }
  if (found.outcome === 'unknowable') {
    const note = `A create started at ${pending.startedAt} got no answer and ${x.spec.platform} cannot list tokens; if it landed, that token expires on its own${pending.expiresAt === undefined ? '' : ` at ${pending.expiresAt}`}`;
    await x.store.save(withNote(settled, note));
    return { changed: true, event: { type: 'Warning', reason: 'CreateInDoubt', message: note } };
  }
  let value = found.value;
  let ref = found.ref;
  let expiresAt = found.expiresAt;
  const rollFn = x.capabilities.roll ? client.roll?.bind(client) : undefined;
  if (value === undefined && rollFn !== undefined) {
    const rolled = await call(x, () => rollFn(found.ref, x.signal));
    value = rolled.value;
    ref = rolled.ref;
    expiresAt = rolled.expiresAt ?? expiresAt;
  }
  if (value === undefined) {
    // Found but its value cannot be recovered: it must not stay valid unseen.
    await call(x, () => client.revoke(found.ref, x.signal));
    await x.store.save(settled);
    return { changed: true, event: { type: 'Normal', reason: 'InDoubtRevoked', message: `Found token ${found.ref.id ?? ''} from a create that got no answer, without its value; revoked it and issuing again` } };
  }
  // Issued with the settings sent then: if the spec changed since, the next decision updates or replaces it.
  const token = durable({ ref, value, expiresAt, observed: pending.sent ?? sentOf(x) }, x.now());
  await record(x, token, pending.reason, pending.request);
  return { changed: true, event: { type: 'Normal', reason: 'InDoubtAdopted', message: `Adopted token ${token.fingerprint} from a create that got no answer` } };
}

async function update(x: Execution, fields: string): Promise<StepResult> {
  const current = x.store.state.current;
  const updateFn = x.client.update?.bind(x.client);
  if (current === undefined) return unchanged;
  if (updateFn === undefined) throw new CoreError('ERR_UNSUPPORTED', `${x.spec.platform} cannot change ${fields} on an existing token`, { platform: x.spec.platform });
  const schedule = scheduleFor(x.spec, x.capabilities, x.now());
  const observation = await call(x, () => updateFn(refOf(current), { spec: x.spec, name: x.name, ...(schedule.expiresAt === undefined ? {} : { expiresAt: schedule.expiresAt }) }, x.signal));
  x.hooks?.observed?.(current.fingerprint, observation);
  const { issued: _old, ...base } = current;
  const issued = observation.observed ?? { displayName: x.name, block: { ...(x.spec[x.spec.platform] ?? {}) } };
  await x.store.save({ ...x.store.state, current: { ...base, issued } });
  await publish(x);
  return { changed: true, event: { type: 'Normal', reason: 'Updated', message: `Updated ${fields} on token ${current.fingerprint} in place` } };
}

/**
 * revokeOne revokes a kept token, or says why it cannot: a platform that
 * revokes only with the value cannot revoke a token whose value was lost.
 */
async function revokeOne(x: Execution, token: DurableToken): Promise<string | undefined> {
  if (token.value === undefined && x.capabilities.revokeNeedsValue) {
    return `Token ${token.fingerprint} could not be revoked: ${x.spec.platform} revokes only with the value, and none was kept; it expires on its own${token.expiresAt === undefined ? '' : ` at ${token.expiresAt}`}`;
  }
  await call(x, () => x.client.revoke(refOf(token), x.signal));
  return undefined;
}

async function revokePrevious(x: Execution): Promise<StepResult> {
  const previous = x.store.state.previous;
  if (previous === undefined) return unchanged;
  crash(x, 'beforeRevokePrevious');
  const note = await revokeOne(x, previous);
  crash(x, 'afterRevokePrevious');
  const { previous: _gone, ...rest } = x.store.state;
  await x.store.save(withNote({ ...rest, history: [historyOf(previous, previous.retired, x.now()), ...rest.history].slice(0, HISTORY_LIMIT) }, note));
  // The Secret offered the previous value as a fallback; it works no more.
  await publish(x);
  if (note !== undefined) return { changed: true, event: { type: 'Warning', reason: 'PreviousNotRevoked', message: note } };
  return { changed: true, event: { type: 'Normal', reason: 'RevokedPrevious', message: `Revoked the previous token ${previous.fingerprint} at the platform` } };
}

async function revokeAll(x: Execution): Promise<StepResult> {
  const state = x.store.state;
  const notes: string[] = [];
  for (const token of [state.previous, state.current]) {
    if (token === undefined) continue;
    const note = await revokeOne(x, token);
    if (note !== undefined) notes.push(note);
  }
  crash(x, 'afterRevoke');
  const now = x.now();
  const retired = [state.current, state.previous].filter((t): t is DurableToken => t !== undefined).map((t) => historyOf(t, 'Revoked', now));
  const { previous: _p, current, ...rest } = state;
  // The values are dead now; keep only what identifies the token.
  const kept = current === undefined ? undefined : (({ value: _v, ...identity }) => identity)(current);
  await x.store.save(notes.reduce<DurableState>((s, n) => withNote(s, n), {
    ...rest,
    ...(kept === undefined ? {} : { current: kept }),
    revokedAt: now.toISOString(),
    history: [...retired, ...rest.history].slice(0, HISTORY_LIMIT),
  }));
  crash(x, 'afterRevokeRecord');
  const which = retired.map((r) => r.fingerprint).join(', ');
  const message = `Revoked token ${which === '' ? '(none issued)' : which} at the platform`;
  return { changed: true, event: notes.length === 0 ? { type: 'Normal', reason: 'Revoked', message } : { type: 'Warning', reason: 'Revoked', message: `${message}; ${notes.join('; ')}` } };
}

// One batch per new token: every due target is patched, then the restart is
// recorded whatever each target answered, so a refused target is reported
// once and never retried into a restart storm. A crash between the two
// leaves the targets marked; the next run patches none of them again.
async function restartConsumers(x: Execution, targets: readonly ConsumerRef[]): Promise<StepResult> {
  const rollout = x.store.state.rollout;
  if (rollout === undefined || rollout.restartedAt !== undefined) return unchanged;
  const outcomes = targets.length === 0 || x.consumers === undefined ? [] : await x.consumers.restart(targets, rollout.token);
  crash(x, 'afterRestart');
  await x.store.save({ ...x.store.state, rollout: { ...rollout, restartedAt: x.now().toISOString() } });
  const restarted = outcomes.filter((o) => o.outcome === 'restarted');
  const failed = outcomes.filter((o) => o.outcome !== 'restarted');
  if (failed.length > 0) {
    const why = failed.map((o) => `${o.kind}/${o.name}: ${o.outcome === 'missing' ? 'not found' : o.message ?? 'refused'}`).join('; ');
    return { changed: true, event: { type: 'Warning', reason: 'RestartFailed', message: `Could not restart ${why}; they are not restarted again for token ${rollout.token}` } };
  }
  if (restarted.length === 0) return { changed: true };
  return { changed: true, event: { type: 'Normal', reason: 'RestartedConsumers', message: `Restarted ${describeTargets(restarted)} to pick up token ${rollout.token}` } };
}

/** publish writes the destination from the durable state; false when there is no value to publish. */
async function publish(x: Execution): Promise<boolean> {
  const content = destinationContent(x.spec, x.store.state);
  if (content === undefined) return false;
  await x.destination.publish(content);
  return true;
}

async function retract(x: Execution): Promise<StepResult> {
  const { spec } = x;
  const mode = spec.secret.onRevoke === 'Delete' ? 'Delete' : 'Empty';
  if (!(await x.destination.retract(mode, (actual) => retractedContent(actual, spec)))) return unchanged;
  if (mode === 'Delete') return { changed: true, event: { type: 'Normal', reason: 'SecretDeleted', message: `Deleted Secret ${spec.secret.name}: its token was revoked` } };
  return { changed: true, event: { type: 'Normal', reason: 'SecretEmptied', message: `Emptied key ${spec.secret.keys.token} of Secret ${spec.secret.name}: its token was revoked` } };
}
