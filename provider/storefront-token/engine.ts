import { capabilityTable } from '../../core/platforms/registry.js';
import type { Observation } from '../../core/contract/adapter.js';
import { classifySecret, PREVIOUS_TOKEN_KEY } from '../../core/delivery/secret-content.js';
import { CoreError } from '../../core/errors.js';
import { decide, type Decision } from '../../core/reconcile/decide.js';
import type { DurableState } from '../../core/reconcile/durable-state.js';
import { execute, type Execution } from '../../core/reconcile/execute.js';
import { factsOf } from '../../core/reconcile/facts-of.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { ProviderContext } from '../config/context.js';
import type { SecretRef } from '../config/secret-store.js';
import { warningDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import { SecretStoreDestination, foundOf } from './destination.js';
import { displayNameOf, keptValue, stateFromView } from './facts.js';
import { ownedBy } from './ownership.js';
import { openStore, type StateSecretStore } from './state-store.js';
import type { TokenView } from './token-view.js';

// The provider's side of core's engine: open the resource's state Secret,
// then gather (the destination Secret, what the last refresh observed),
// decide and execute, one step at a time, until the token is settled or the
// next step is one the plan did not leave room for.

const MAX_STEPS = 8;

/** RunInput is one apply or delete of one resource. */
export interface RunInput {
  readonly spec: StorefrontTokenSpec;
  readonly context: ProviderContext;
  readonly signal: AbortSignal;
  /** view is the resource's computed attributes in Terraform state; empty on create. */
  readonly view: TokenView;
  /** existing: the resource is in Terraform state. */
  readonly existing: boolean;
  /** destination is where the token is delivered; from is where it was, when that changed. */
  readonly destination: SecretRef;
  readonly from?: SecretRef;
  /** exposed is state's `value` attribute, a kept copy under expose_value. */
  readonly exposed?: string;
  /** observation is what the last refresh saw of the current token. */
  readonly observation?: Observation;
  /** id is a fresh resource id for a create. */
  readonly newId: string;
}

/** An OpenedRun is the engine for one resource, or why it cannot run. */
export type OpenedRun = { readonly run: TokenRun } | { readonly conflict: string };

/** openRun finds the resource's durable state (or an interrupted create's) and readies the engine. */
export async function openRun(input: RunInput): Promise<OpenedRun> {
  const { context, signal, view } = input;
  const live = await context.secrets.get(input.from ?? input.destination, signal);
  const owned = live !== undefined && view.id !== undefined && ownedBy(live, view.id);
  const fallback = (): DurableState => stateFromView(view, {
    current: keptValue(owned ? live.data[input.spec.secret.keys.token] : undefined, view.fingerprint) ?? keptValue(input.exposed, view.fingerprint),
    previous: keptValue(owned ? live.data[PREVIOUS_TOKEN_KEY] : undefined, view.previousFingerprint),
  });
  const opened = await openStore({
    secrets: context.secrets,
    destination: input.destination,
    ...(input.from === undefined ? {} : { from: input.from }),
    id: view.id ?? input.newId,
    existing: input.existing,
    platform: input.spec.platform,
    fallback,
    signal,
  });
  if ('conflict' in opened) return opened;
  return { run: new TokenRun(input, opened.store, opened.tookOver) };
}

/** A TokenRun drives one resource's token through decide and execute. */
export class TokenRun {
  readonly diagnostics: Diagnostic[] = [];
  readonly store: StateSecretStore;
  readonly #input: RunInput;
  readonly #engine: Execution;
  #observation: { fingerprint: string; observation: Observation } | undefined;

  constructor(input: RunInput, store: StateSecretStore, tookOver: boolean) {
    this.#input = input;
    this.store = store;
    const { spec, context, signal } = input;
    if (input.observation !== undefined && input.view.fingerprint !== undefined) this.#observation = { fingerprint: input.view.fingerprint, observation: input.observation };
    if (tookOver) {
      this.diagnostics.push(warningDiagnostic('Interrupted Apply Resumed', `An earlier apply was interrupted after it started delivering to Secret ${input.destination.namespace}/${input.destination.name}; this resource takes over what it recorded instead of issuing another token.`));
    }
    this.#engine = {
      spec,
      name: displayNameOf(spec),
      capabilities: capabilityTable[spec.platform],
      client: context.clientFor(spec.platform),
      store,
      destination: new SecretStoreDestination(context.secrets, input.destination, store.id, signal),
      now: context.now,
      signal,
      hooks: { observed: (fingerprint, observation) => { this.#observation = { fingerprint, observation }; } },
    };
  }

  /** decide gathers the destination and decides the next step. */
  async decide(spec: StorefrontTokenSpec = this.#input.spec): Promise<Decision> {
    const { context, signal, destination } = this.#input;
    const state = this.store.state;
    const found = foundOf(await context.secrets.get(destination, signal), this.store.id);
    const seen = this.#observation !== undefined && this.#observation.fingerprint === state.current?.fingerprint ? this.#observation.observation : undefined;
    return decide(factsOf({
      spec,
      name: displayNameOf(spec),
      capabilities: capabilityTable[spec.platform],
      now: context.now(),
      state,
      ...(seen === undefined ? {} : { observation: seen }),
      secret: classifySecret(found, spec, state),
    }));
  }

  /** step carries out one decision (for `spec`, e.g. the revoking spec of a destroy); warnings become diagnostics. */
  async step(decision: Decision, spec?: StorefrontTokenSpec): Promise<boolean> {
    if (decision.action === 'blocked') throw new CoreError('ERR_UNSUPPORTED', decision.message, { path: ['secret', 'name'] });
    const result = await execute(spec === undefined ? this.#engine : { ...this.#engine, spec }, decision);
    if (result.event?.type === 'Warning') this.diagnostics.push(warningDiagnostic(titleOf(result.event.reason), `${result.event.message}.`));
    return result.changed;
  }

  /** run carries out steps until the token is settled, or until `allowed` refuses the next one. */
  async run(allowed: (decision: Decision) => boolean, spec?: StorefrontTokenSpec): Promise<void> {
    for (let i = 0; i < MAX_STEPS; i++) {
      const decision = await this.decide(spec);
      if (decision.action !== 'blocked' && !allowed(decision)) return;
      if (!(await this.step(decision, spec))) return;
    }
  }
}

// Event reasons are PascalCase; Terraform summaries are Title Case words.
function titleOf(reason: string): string {
  return reason.replace(/([a-z])([A-Z])/g, '$1 $2');
}
