import type { ObservedSpec } from '../contract/adapter.js';
import { SecretValue } from '../secret.js';
import type { StorefrontTokenStatus, TokenRecord } from '../schema/status.js';
import type { IssueReason } from './facts.js';

// The durable state of one StorefrontToken is what neither front end may
// lose: the intent recorded before a create, the current and previous tokens
// with their values, and the record of what was retired. The operator keeps
// it in a per-token state Secret, the Terraform provider in a per-resource
// state Secret beside the destination; both use the encoding below, so the
// same token looks the same to both and to anyone reading the cluster.
// Every transition is one write of it, made before the effect it enables
// (intent before create) or right after the effect it records.

/** A DurableToken is one issued token as remembered between reconciles. */
export interface DurableToken {
  readonly id?: string;
  readonly fingerprint: string;
  readonly issuedAt: string;
  readonly expiresAt?: string;
  /** issued is the token's settings as issued, for platforms that cannot report them. */
  readonly issued?: ObservedSpec;
  /** value is the durable copy: for republishing and for platforms that revoke with the value. */
  readonly value?: SecretValue;
}

/** A PendingCreate is an intent recorded before a platform create. */
export interface PendingCreate {
  /** key is the idempotency key the create sends, so a later run can find what it made. */
  readonly key: string;
  readonly reason: IssueReason;
  readonly startedAt: string;
  /** expiresAt is the expiry the create asked for, so resolving it replays the same request. */
  readonly expiresAt?: string;
  /** request is the rotate-now request this create answers, recorded as done with the token it makes. */
  readonly request?: string;
  /**
   * sent is the display name and platform block the create sent. Resolving
   * replays exactly that request: a platform that checks an idempotency key
   * against its body refuses a replay carrying settings changed since.
   */
  readonly sent?: ObservedSpec;
}

/** HistoryEntry is one retired token, as status.history shows it. */
export type HistoryEntry = NonNullable<StorefrontTokenStatus['history']>[number];

/** A PreviousToken is the token kept valid during an overlap, and why it was retired. */
export type PreviousToken = DurableToken & { readonly revokeAt: string; readonly retired: HistoryEntry['reason'] };

/**
 * A RolloutRecord says that consumers must move to a new token: written with
 * the token that replaced another (when restart targets are set), and marked
 * restarted once the targets were patched, so each rotation restarts them once.
 */
export interface RolloutRecord {
  /** token is the fingerprint of the token the consumers must pick up. */
  readonly token: string;
  /** restartedAt is when the targets were restarted for it; absent while the restart is due. */
  readonly restartedAt?: string;
}

/** DurableState is everything that must not be lost about one token. */
export interface DurableState {
  readonly pending?: PendingCreate;
  readonly current?: DurableToken;
  readonly previous?: PreviousToken;
  readonly revokedAt?: string;
  /**
   * rotated is the last rotate-now request acted on. It is saved in the same
   * write as the token that answers it, so a crash can neither lose a
   * request nor act on it twice.
   */
  readonly rotated?: string;
  /** rollout is the consumers' restart for the current token, when restart targets are set. */
  readonly rollout?: RolloutRecord;
  readonly history: readonly HistoryEntry[];
  /** notes are lasting warnings, e.g. an in-doubt create that can only expire on its own. */
  readonly notes: readonly string[];
}

/** emptyState is the state of a token never issued. */
export const emptyState: DurableState = { history: [], notes: [] };

/** HISTORY_LIMIT and NOTES_LIMIT bound what the state keeps, as status shows it. */
export const HISTORY_LIMIT = 10;
const NOTES_LIMIT = 5;

/** recordOf is a token's non-secret identity, as status and facts show it. */
export function recordOf(t: DurableToken): TokenRecord {
  return { fingerprint: t.fingerprint, issuedAt: t.issuedAt, ...(t.id === undefined ? {} : { id: t.id }), ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }) };
}

/** holdsTokens tells whether anything was (or may have been) issued that a revocation must settle. */
export function holdsTokens(state: DurableState): boolean {
  return state.current !== undefined || state.previous !== undefined || state.pending !== undefined;
}

/** withNote adds a lasting warning, newest first. */
export function withNote(state: DurableState, note: string | undefined): DurableState {
  return note === undefined ? state : { ...state, notes: [note, ...state.notes].slice(0, NOTES_LIMIT) };
}

/** historyOf is a retired token's history entry. */
export function historyOf(token: DurableToken, reason: HistoryEntry['reason'], now: Date): HistoryEntry {
  return { ...recordOf(token), retiredAt: now.toISOString(), reason };
}

// ---- Encoding: plain-text Secret data (front ends add their own base64) ----

interface WireToken {
  id?: string;
  fingerprint: string;
  issuedAt: string;
  expiresAt?: string;
  issued?: ObservedSpec;
  revokeAt?: string;
  retired?: HistoryEntry['reason'];
}

interface WireState {
  pending?: PendingCreate;
  current?: WireToken;
  previous?: WireToken;
  revokedAt?: string;
  rotated?: string;
  rollout?: RolloutRecord;
  history?: HistoryEntry[];
  notes?: string[];
}

/** STATE_KEYS are the data keys of a state Secret: the JSON record and the two values. */
export const STATE_KEYS = { state: 'state', current: 'current', previous: 'previous' } as const;

function wireToken(t: DurableToken, revokeAt?: string, retired?: HistoryEntry['reason']): WireToken {
  return {
    fingerprint: t.fingerprint,
    issuedAt: t.issuedAt,
    ...(t.id === undefined ? {} : { id: t.id }),
    ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }),
    ...(t.issued === undefined ? {} : { issued: t.issued }),
    ...(revokeAt === undefined ? {} : { revokeAt }),
    ...(retired === undefined ? {} : { retired }),
  };
}

/** encodeDurableState is a state as plain-text Secret data: the record as JSON, each value under its own key. */
export function encodeDurableState(state: DurableState): Record<string, string> {
  const wire: WireState = {
    ...(state.pending === undefined ? {} : { pending: state.pending }),
    ...(state.current === undefined ? {} : { current: wireToken(state.current) }),
    ...(state.previous === undefined ? {} : { previous: wireToken(state.previous, state.previous.revokeAt, state.previous.retired) }),
    ...(state.revokedAt === undefined ? {} : { revokedAt: state.revokedAt }),
    ...(state.rotated === undefined ? {} : { rotated: state.rotated }),
    ...(state.rollout === undefined ? {} : { rollout: state.rollout }),
    history: [...state.history],
    notes: [...state.notes],
  };
  const data: Record<string, string> = { [STATE_KEYS.state]: JSON.stringify(wire) };
  if (state.current?.value !== undefined) data[STATE_KEYS.current] = state.current.value.reveal();
  if (state.previous?.value !== undefined) data[STATE_KEYS.previous] = state.previous.value.reveal();
  return data;
}

function unwire(w: WireToken, value: string | undefined): DurableToken {
  return {
    fingerprint: w.fingerprint,
    issuedAt: w.issuedAt,
    ...(w.id === undefined ? {} : { id: w.id }),
    ...(w.expiresAt === undefined ? {} : { expiresAt: w.expiresAt }),
    ...(w.issued === undefined ? {} : { issued: w.issued }),
    ...(value === undefined || value === '' ? {} : { value: new SecretValue(value) }),
  };
}

/** decodeDurableState reads plain-text state data; it throws a SyntaxError on an unreadable record. */
export function decodeDurableState(data: Readonly<Record<string, string>>): DurableState {
  const wire = JSON.parse(data[STATE_KEYS.state] ?? '{}') as WireState;
  const current = wire.current === undefined ? undefined : unwire(wire.current, data[STATE_KEYS.current]);
  const previous = wire.previous?.revokeAt === undefined ? undefined : { ...unwire(wire.previous, data[STATE_KEYS.previous]), revokeAt: wire.previous.revokeAt, retired: wire.previous.retired ?? 'Rotated' };
  return {
    ...(wire.pending === undefined ? {} : { pending: wire.pending }),
    ...(current === undefined ? {} : { current }),
    ...(previous === undefined ? {} : { previous }),
    ...(wire.revokedAt === undefined ? {} : { revokedAt: wire.revokedAt }),
    ...(wire.rotated === undefined ? {} : { rotated: wire.rotated }),
    ...(wire.rollout === undefined ? {} : { rollout: wire.rollout }),
    history: wire.history ?? [],
    notes: wire.notes ?? [],
  };
}
