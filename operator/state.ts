import type { ObservedSpec } from '../core/adapters/adapter.js';
import type { IssueReason } from '../core/reconcile/facts.js';
import { SecretValue } from '../core/secret.js';
import type { StorefrontTokenStatus } from '../core/schema/status.js';
import { OperatorError } from './errors.js';
import type { KubeClient, OwnerReference, SecretObject } from './kube.js';
import { ManagedByLabel, ManagedByValue, RoleLabel, TokenLabel, labelValue, secretPath, stateSecretName } from './names.js';

// The durable state of one StorefrontToken lives in an operator-owned Secret,
// never in status: status is a mirror for humans and anyone who may write
// status could otherwise point us at secret material (cert-manager #9224).
// Every transition is one resourceVersion-guarded write of this Secret, so a
// crash leaves either the state before or the state after, never a mix.

/** A DurableToken is one issued token as the operator remembers it. */
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
  readonly key: string;
  readonly reason: IssueReason;
  readonly startedAt: string;
  /** expiresAt is the expiry the create asked for, so resolving it replays the same request. */
  readonly expiresAt?: string;
}

/** HistoryEntry is one retired token, as status.history shows it. */
export type HistoryEntry = NonNullable<StorefrontTokenStatus['history']>[number];

/** DurableState is everything the operator must not lose about one token. */
export interface DurableState {
  readonly pending?: PendingCreate;
  readonly current?: DurableToken;
  readonly previous?: DurableToken & { readonly revokeAt: string; readonly retired: HistoryEntry['reason'] };
  readonly revokedAt?: string;
  readonly history: readonly HistoryEntry[];
  /** notes are lasting warnings, e.g. an in-doubt create that can only expire on its own. */
  readonly notes: readonly string[];
}

/** A StoredState is the state with the Secret's resourceVersion, for a guarded write. */
export interface StoredState {
  readonly state: DurableState;
  /** resourceVersion of the state Secret; undefined when it does not exist yet. */
  readonly resourceVersion?: string;
}

/** emptyState is the state of a token never issued. */
export const emptyState: DurableState = { history: [], notes: [] };

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
  history?: HistoryEntry[];
  notes?: string[];
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/** decodeState reads a state Secret; it throws ERR_STATE_CORRUPT on unreadable data. */
export function decodeState(secret: SecretObject | undefined): StoredState {
  if (secret === undefined) return { state: emptyState };
  const data = secret.data ?? {};
  let wire: WireState;
  try {
    wire = JSON.parse(unb64(data['state'] ?? 'e30=')) as WireState;
  } catch (cause) {
    throw new OperatorError('ERR_STATE_CORRUPT', `state Secret ${secret.metadata.name ?? ''} holds unreadable state`, { cause });
  }
  const valueOf = (key: string): SecretValue | undefined => {
    const raw = data[key];
    return raw === undefined || raw === '' ? undefined : new SecretValue(unb64(raw));
  };
  const token = (w: WireToken | undefined, key: string): DurableToken | undefined => {
    if (w === undefined) return undefined;
    const value = valueOf(key);
    return { ...strip(w), ...(value === undefined ? {} : { value }) };
  };
  const current = token(wire.current, 'current');
  const previousBase = token(wire.previous, 'previous');
  const state: DurableState = {
    ...(wire.pending === undefined ? {} : { pending: wire.pending }),
    ...(current === undefined ? {} : { current }),
    ...(previousBase === undefined || wire.previous?.revokeAt === undefined ? {} : { previous: { ...previousBase, revokeAt: wire.previous.revokeAt, retired: wire.previous.retired ?? 'Rotated' } }),
    ...(wire.revokedAt === undefined ? {} : { revokedAt: wire.revokedAt }),
    history: wire.history ?? [],
    notes: wire.notes ?? [],
  };
  return { state, ...(secret.metadata.resourceVersion === undefined ? {} : { resourceVersion: secret.metadata.resourceVersion }) };
}

function strip(w: WireToken): DurableToken {
  return {
    fingerprint: w.fingerprint,
    issuedAt: w.issuedAt,
    ...(w.id === undefined ? {} : { id: w.id }),
    ...(w.expiresAt === undefined ? {} : { expiresAt: w.expiresAt }),
    ...(w.issued === undefined ? {} : { issued: w.issued }),
  };
}

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

/** TokenIdentity is what the state Secret needs to know about its owner. */
export interface TokenIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** ownerOf is the controller owner reference to a StorefrontToken. */
export function ownerOf(token: TokenIdentity): OwnerReference {
  return { apiVersion: 'sftoken.dev/v1alpha1', kind: 'StorefrontToken', name: token.name, uid: token.uid, controller: true, blockOwnerDeletion: true };
}

/** encodeState builds the state Secret for a token. */
export function encodeState(token: TokenIdentity, state: DurableState, resourceVersion?: string): SecretObject {
  const wire: WireState = {
    ...(state.pending === undefined ? {} : { pending: state.pending }),
    ...(state.current === undefined ? {} : { current: wireToken(state.current) }),
    ...(state.previous === undefined ? {} : { previous: wireToken(state.previous, state.previous.revokeAt, state.previous.retired) }),
    ...(state.revokedAt === undefined ? {} : { revokedAt: state.revokedAt }),
    history: [...state.history],
    notes: [...state.notes],
  };
  const data: Record<string, string> = { state: b64(JSON.stringify(wire)) };
  if (state.current?.value !== undefined) data['current'] = b64(state.current.value.reveal());
  if (state.previous?.value !== undefined) data['previous'] = b64(state.previous.value.reveal());
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'sftoken.dev/state',
    metadata: {
      name: stateSecretName(token.name),
      namespace: token.namespace,
      labels: { [ManagedByLabel]: ManagedByValue, [TokenLabel]: labelValue(token.name), [RoleLabel]: 'state' },
      ownerReferences: [ownerOf(token)],
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    data,
  };
}

/**
 * writeState persists the next state with optimistic locking: create when
 * there was none, otherwise replace at the resourceVersion it was read at.
 * A conflict surfaces as ERR_KUBE 409 and the caller requeues.
 */
export async function writeState(kube: KubeClient, token: TokenIdentity, stored: StoredState, next: DurableState): Promise<{ stored: StoredState; object: SecretObject | undefined }> {
  const body = encodeState(token, next, stored.resourceVersion);
  const written = stored.resourceVersion === undefined
    ? await kube.send<SecretObject>('POST', secretPath(token.namespace), body)
    : await kube.send<SecretObject>('PUT', secretPath(token.namespace, stateSecretName(token.name)), body);
  const rv = written?.metadata.resourceVersion;
  return { stored: { state: next, ...(rv === undefined ? {} : { resourceVersion: rv }) }, object: written };
}
