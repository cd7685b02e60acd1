import { decodeDurableState, emptyState, encodeDurableState, type DurableState } from '../../core/reconcile/durable-state.js';
import type { TokenStore } from '../../core/reconcile/ports.js';
import { OperatorError } from '../errors.js';
import type { Informer } from '../runtime/informer.js';
import type { KubeClient, OwnerReference, SecretObject } from '../../kube/index.js';
import { ManagedByLabel, ManagedByValue, RoleLabel, StateFinalizer, TokenLabel, labelValue, stateSecretName } from '../names.js';
import { secretPath } from '../../kube/index.js';

// The durable state of one StorefrontToken lives in an operator-owned Secret,
// never in status: status is a mirror for humans and anyone who may write
// status could otherwise point us at secret material (cert-manager #9224).
// Every transition is one resourceVersion-guarded write of this Secret, so a
// crash leaves either the state before or the state after, never a mix. The
// Secret carries a finalizer of its own: when a namespace is deleted the
// namespace controller deletes everything in it at once, and the token's
// finalizer still needs this state (for some platforms the only copy of the
// value that revokes) after everything else is gone.

/** A StoredState is the state with the Secret's resourceVersion, for a guarded write. */
export interface StoredState {
  readonly state: DurableState;
  /** resourceVersion of the state Secret; undefined when it does not exist yet. */
  readonly resourceVersion?: string;
  /** finalized: the state Secret still carries our finalizer. */
  readonly finalized?: boolean;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

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

/**
 * trustedState tells whether a Secret may be read as this token's state:
 * labelled as state and controlled by the token (uid, not name), so a
 * look-alike planted by someone else is never acted on.
 */
export function trustedState(secret: SecretObject, uid: string): boolean {
  const owned = (secret.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.uid === uid);
  return owned && secret.metadata.labels?.[RoleLabel] === 'state' && secret.metadata.labels[ManagedByLabel] === ManagedByValue;
}

/** decodeState reads a state Secret; it throws ERR_STATE_CORRUPT on unreadable data. */
export function decodeState(secret: SecretObject | undefined): StoredState {
  if (secret === undefined) return { state: emptyState };
  const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, unb64(v)]));
  let state: DurableState;
  try {
    state = decodeDurableState(data);
  } catch (cause) {
    throw new OperatorError('ERR_STATE_CORRUPT', `state Secret ${secret.metadata.name ?? ''} holds unreadable state`, { cause });
  }
  return {
    state,
    ...(secret.metadata.resourceVersion === undefined ? {} : { resourceVersion: secret.metadata.resourceVersion }),
    finalized: (secret.metadata.finalizers ?? []).includes(StateFinalizer),
  };
}

/** encodeState builds the state Secret for a token. */
export function encodeState(token: TokenIdentity, state: DurableState, resourceVersion?: string): SecretObject {
  const data = Object.fromEntries(Object.entries(encodeDurableState(state)).map(([k, v]) => [k, b64(v)]));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'sftoken.dev/state',
    metadata: {
      name: stateSecretName(token.name),
      namespace: token.namespace,
      labels: { [ManagedByLabel]: ManagedByValue, [TokenLabel]: labelValue(token.name), [RoleLabel]: 'state' },
      ownerReferences: [ownerOf(token)],
      finalizers: [StateFinalizer],
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
  return { stored: { state: next, finalized: true, ...(rv === undefined ? {} : { resourceVersion: rv }) }, object: written };
}

/**
 * releaseState removes the state Secret's finalizer once the deletion policy
 * has run, so garbage collection (or the namespace controller) can finish.
 */
export async function releaseState(kube: KubeClient, secrets: Informer<SecretObject>, secret: SecretObject): Promise<void> {
  const finalizers = (secret.metadata.finalizers ?? []).filter((f) => f !== StateFinalizer);
  if (finalizers.length === (secret.metadata.finalizers ?? []).length) return;
  const patched = await kube.mergePatch<SecretObject>(secretPath(secret.metadata.namespace, secret.metadata.name), {
    metadata: { finalizers, resourceVersion: secret.metadata.resourceVersion },
  });
  if (patched !== undefined) secrets.remember(patched);
}

/** StateSecretStore is the operator's TokenStore: the token's state Secret, written through the informer cache. */
export class StateSecretStore implements TokenStore {
  readonly #kube: KubeClient;
  readonly #secrets: Informer<SecretObject>;
  readonly #token: TokenIdentity;
  #stored: StoredState;

  constructor(kube: KubeClient, secrets: Informer<SecretObject>, token: TokenIdentity, stored: StoredState) {
    this.#kube = kube;
    this.#secrets = secrets;
    this.#token = token;
    this.#stored = stored;
  }

  get state(): DurableState {
    return this.#stored.state;
  }

  async save(next: DurableState): Promise<void> {
    const { stored, object } = await writeState(this.#kube, this.#token, this.#stored, next);
    this.#stored = stored;
    if (object !== undefined) this.#secrets.remember(object);
  }
}
