import type { Decision } from '../../core/reconcile/decide.js';
import { execute, type StepResult } from '../../core/reconcile/execute.js';
import type { EventNote } from '../../core/reconcile/ports.js';
import { crashPoint } from './crashpoint.js';
import { SecretDestination } from './destination.js';
import { WorkloadConsumers } from './rollout.js';
import type { Gathered } from './gather.js';
import type { Informer } from '../runtime/informer.js';
import type { KubeClient, SecretObject } from '../../kube/index.js';
import type { ObservationCache } from './observations.js';
import { StateSecretStore } from './state.js';

/** ActDeps are the write sides of a reconcile. */
export interface ActDeps {
  readonly kube: KubeClient;
  readonly secrets: Informer<SecretObject>;
  readonly observations: ObservationCache;
  readonly now: () => Date;
}

export type { EventNote };

/** An ActResult says whether the step changed anything, and what to tell the user. */
export interface ActResult extends StepResult {
  /** retryMs asks to come back later without counting a failure (platform gate closed). */
  readonly retryMs?: number;
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

const platformSteps: ReadonlySet<Decision['action']> = new Set(['resolveInDoubt', 'issue', 'update', 'revokePrevious', 'revoke']);

/**
 * act carries out one decision through core's engine, with the operator's
 * ports: the token's state Secret as the store, the destination Secret
 * (owned through an owner reference), the connection's gate around every
 * platform call, and the crash points the crash tests arm.
 */
export async function act(deps: ActDeps, g: Gathered, decision: Decision): Promise<ActResult> {
  const { gate } = g.connection;
  const wait = gate.waitMs();
  if (platformSteps.has(decision.action) && wait > 0) return { changed: false, retryMs: wait };
  return execute({
    spec: g.spec,
    name: g.facts.name,
    capabilities: g.capabilities,
    client: g.connection.client,
    store: new StateSecretStore(deps.kube, deps.secrets, g.token, g.stored),
    destination: new SecretDestination(deps.kube, deps.secrets, g.token, g.spec, g.destination),
    consumers: new WorkloadConsumers(deps.kube, g.token.namespace, g.token.name, deps.now),
    now: deps.now,
    gate: async (call) => {
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
    },
    hooks: {
      crashPoint,
      observed: (fingerprint, observation) => { deps.observations.remember(g.key, fingerprint, observation, deps.now().getTime()); },
    },
  }, decision);
}
