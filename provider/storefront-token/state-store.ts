import { decodeDurableState, encodeDurableState, type DurableState } from '../../core/reconcile/durable-state.js';
import { CoreError } from '../../core/errors.js';
import type { TokenStore } from '../../core/reconcile/ports.js';
import type { PlatformName } from '../../core/schema/platform.js';
import type { SecretRef, SecretStore, StoredSecret } from '../config/secret-store.js';
import { MANAGED_BY, OWNER_ANNOTATION, ownedBy, ownerIdOf, ownerValue, stateRefOf } from './ownership.js';

// Terraform saves a resource's state only after ApplyResourceChange returns,
// and a killed apply loses whatever was in flight. So, like the operator,
// the provider keeps the durable record of each token in Kubernetes, beside
// the destination Secret: the intent before every create (with the
// idempotency key the next run replays), and the tokens with their values
// right after. Terraform state mirrors it (ids, fingerprints, times, never a
// value), and a refresh reads it back.
//
// Terraform tells a provider nothing about a resource's address, so a later
// run recognises an interrupted create by where it delivers: a state Secret
// for the same destination, for the same platform, that no Terraform state
// ever confirmed (a refresh or an update of a resource in state marks it
// confirmed), and that this process did not create for another resource.

/** CONFIRMED_ANNOTATION marks a state Secret whose resource Terraform has saved. */
export const CONFIRMED_ANNOTATION = 'sftoken.dev/confirmed';
/** PLATFORM_ANNOTATION names the platform of the token a state Secret records. */
export const PLATFORM_ANNOTATION = 'sftoken.dev/platform';
const ROLE_LABEL = 'sftoken.dev/role';

// Ids whose state Secret this process wrote on a create: within one apply,
// two resources naming the same Secret must conflict, not merge.
const createdHere = new Set<string>();

/** OpenStoreInput is what finding a resource's durable state needs. */
export interface OpenStoreInput {
  readonly secrets: SecretStore;
  /** destination is where the token is delivered now; the state Secret lives beside it. */
  readonly destination: SecretRef;
  /** from is where it was delivered before (a changed secret.name or namespace), if elsewhere. */
  readonly from?: SecretRef;
  /** id is the resource id from Terraform state, or a fresh one for a create. */
  readonly id: string;
  /** existing: the resource is in Terraform state (an update, a refresh, a delete). */
  readonly existing: boolean;
  readonly platform: PlatformName;
  /** fallback rebuilds the state from Terraform state when no state Secret exists (import, older releases). */
  readonly fallback: () => DurableState;
  readonly signal?: AbortSignal;
}

/** An OpenedStore is a resource's durable state, or why another resource holds its destination. */
export type OpenedStore = { readonly store: StateSecretStore; readonly tookOver: boolean } | { readonly conflict: string };

function decode(secret: StoredSecret): DurableState {
  try {
    return decodeDurableState(secret.data);
  } catch (cause) {
    throw new CoreError('ERR_UNSUPPORTED', `state Secret ${secret.namespace}/${secret.name} holds unreadable state; delete it to start over (the tokens it recorded then need revoking by hand)`, { cause });
  }
}

/** openStore finds a resource's durable state, taking over an interrupted create's where that is what it is. */
export async function openStore(input: OpenStoreInput): Promise<OpenedStore> {
  const at = stateRefOf(input.from ?? input.destination);
  const target = stateRefOf(input.destination);
  const live = await input.secrets.get(at, input.signal);
  const moved = at.name !== target.name || at.namespace !== target.namespace;
  const open = (id: string, state: DurableState, confirmed: boolean, tookOver: boolean): OpenedStore => ({
    store: new StateSecretStore({
      ...input, id, state, confirmed, at: target,
      ...(live === undefined || moved ? {} : { resourceVersion: live.resourceVersion ?? '' }),
      ...(live !== undefined && moved ? { stale: at } : {}),
    }),
    tookOver,
  });
  if (live === undefined) return open(input.id, input.fallback(), input.existing, false);
  if (ownedBy(live, input.id)) return open(input.id, decode(live), input.existing || live.annotations[CONFIRMED_ANNOTATION] === 'true', false);
  const other = ownerIdOf(live);
  const interrupted = !input.existing && other !== undefined && live.annotations[CONFIRMED_ANNOTATION] !== 'true' && live.annotations[PLATFORM_ANNOTATION] === input.platform && !createdHere.has(other);
  if (interrupted) return open(other, decode(live), false, true);
  return { conflict: `Secret ${input.destination.namespace}/${input.destination.name} is already managed by another sftoken_storefront_token (its state Secret ${at.name} belongs to ${live.annotations[OWNER_ANNOTATION] ?? 'someone else'}); give each resource its own secret.name` };
}

interface StoreInit {
  readonly secrets: SecretStore;
  readonly id: string;
  readonly platform: PlatformName;
  readonly state: DurableState;
  readonly confirmed: boolean;
  readonly existing: boolean;
  /** at is where saves go. */
  readonly at: SecretRef;
  /** resourceVersion of the state Secret at `at`, when one exists there already. */
  readonly resourceVersion?: string;
  /** stale is an older location to remove after the first save there. */
  readonly stale?: SecretRef;
  readonly signal?: AbortSignal;
}

/** StateSecretStore is the provider's TokenStore: one Secret beside the destination, owned by the resource id. */
export class StateSecretStore implements TokenStore {
  readonly #init: StoreInit;
  #state: DurableState;
  #confirmed: boolean;
  // The version this run last read or wrote: every save is guarded by it, so
  // two runs on one destination (a new apply while a killed one's provider
  // still finishes, two configurations naming one Secret) never overwrite
  // each other's record; the loser fails and the next apply settles it.
  #version: string | undefined;
  #stale: SecretRef | undefined;

  constructor(init: StoreInit) {
    this.#init = init;
    this.#state = init.state;
    this.#confirmed = init.confirmed;
    this.#version = init.resourceVersion;
    this.#stale = init.stale;
  }

  /** id is the resource id the state belongs to (the interrupted run's, after a takeover). */
  get id(): string {
    return this.#init.id;
  }

  get state(): DurableState {
    return this.#state;
  }

  async save(next: DurableState): Promise<void> {
    const { secrets, at, id, platform, signal } = this.#init;
    const written = await secrets.put({
      ...at,
      labels: { ...MANAGED_BY, [ROLE_LABEL]: 'state' },
      annotations: { [OWNER_ANNOTATION]: ownerValue(id), [PLATFORM_ANNOTATION]: platform, ...(this.#confirmed ? { [CONFIRMED_ANNOTATION]: 'true' } : {}) },
      data: encodeDurableState(next),
    }, signal, this.#version === undefined ? { create: true } : { expect: this.#version });
    this.#version = written.resourceVersion ?? '';
    if (!this.#init.existing) createdHere.add(id);
    this.#state = next;
    if (this.#stale !== undefined) {
      await secrets.delete(this.#stale, signal);
      this.#stale = undefined;
    }
  }

  /** confirm records that Terraform state holds this resource; written once. */
  async confirm(): Promise<void> {
    if (this.#confirmed || this.#version === undefined) return;
    this.#confirmed = true;
    await this.save(this.#state);
  }

  /** remove deletes the state Secret: the resource is gone and nothing is left to revoke. */
  async remove(): Promise<void> {
    const { secrets, at, signal } = this.#init;
    await secrets.delete(at, signal);
    if (this.#stale !== undefined) await secrets.delete(this.#stale, signal);
  }
}
