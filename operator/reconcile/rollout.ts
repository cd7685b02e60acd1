import type { Consumers, RestartOutcome } from '../../core/reconcile/ports.js';
import type { ConsumerFacts, ConsumerRef } from '../../core/reconcile/rollout.js';
import { isKubeError, type KubeClient, type KubeObject } from '../../kube/index.js';
import { labelValue } from '../names.js';

// The operator's side of "restart consumers, then retire the old token": it
// reads spec.rolloutRestartTargets from the apps/v1 API and tells core, per
// target, which token its pods were restarted for and whether the workload's
// controller reports that template fully rolled out; and it restarts a
// target the way `kubectl rollout restart` does, by patching an annotation
// into the pod template. The rollout rules of each kind live here, never in core.

/** RestartedAtAnnotation is kubectl's restart annotation, set too so `kubectl rollout history` reads as usual. */
export const RestartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';

/**
 * restartAnnotation is the pod-template annotation that records which token
 * (by fingerprint) a workload was restarted for. One key per token, so two
 * tokens restarting the same workload never undo each other's mark and
 * restart it again and again.
 */
export function restartAnnotation(tokenName: string): string {
  return `restart.sftoken.dev/${labelValue(tokenName)}`;
}

const resources: Readonly<Record<string, string>> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

/** workloadPath is the REST path of one restart target. */
export function workloadPath(namespace: string, kind: string, name: string): string {
  const resource = resources[kind];
  if (resource === undefined) throw new Error(`unknown workload kind ${kind}`);
  return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}`;
}

/** A Workload is the part of a Deployment, StatefulSet or DaemonSet a rollout is read from. */
export interface Workload extends KubeObject {
  spec?: {
    replicas?: number;
    template?: { metadata?: { annotations?: Record<string, string> } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
  };
}

/** A RolloutReading says whether a workload's controller reports its current pod template rolled out. */
export interface RolloutReading {
  readonly rolledOut: boolean;
  readonly detail: string;
}

/**
 * rolloutOf reads a workload's status as `kubectl rollout status` does, but
 * stricter where a token is at stake: every replica must run the current
 * template (a StatefulSet partition keeps old pods on the old token, so it
 * waits for the overlap's end), and the controller must have observed the
 * generation the restart produced.
 */
export function rolloutOf(kind: string, w: Workload): RolloutReading {
  const st = w.status ?? {};
  if ((st.observedGeneration ?? 0) < (w.metadata.generation ?? 1)) return { rolledOut: false, detail: 'the controller has not observed the restart yet' };
  const n = (v: number | undefined): number => v ?? 0;
  if (kind === 'DaemonSet') {
    const desired = n(st.desiredNumberScheduled);
    const done = n(st.updatedNumberScheduled) >= desired && n(st.numberReady) >= desired && n(st.numberAvailable) >= desired;
    return { rolledOut: done, detail: `${n(st.updatedNumberScheduled)} of ${desired} pods updated, ${n(st.numberAvailable)} available` };
  }
  const desired = w.spec?.replicas ?? 1;
  const updated = n(st.updatedReplicas);
  // Old pods still terminating (Deployment) or not yet replaced (StatefulSet revision) still hold the old token.
  const oldGone = kind === 'StatefulSet' ? st.currentRevision === st.updateRevision : n(st.replicas) <= updated;
  const available = st.availableReplicas ?? (kind === 'StatefulSet' ? n(st.readyReplicas) : 0);
  const done = updated >= desired && oldGone && n(st.readyReplicas) >= desired && available >= desired;
  return { rolledOut: done, detail: `${updated} of ${desired} replicas updated, ${n(st.readyReplicas)} ready, ${available} available` };
}

/** gatherConsumers reads every restart target: found or not, which token it was restarted for, rolled out or not. */
export async function gatherConsumers(kube: KubeClient, namespace: string, tokenName: string, targets: readonly ConsumerRef[]): Promise<ConsumerFacts[]> {
  const key = restartAnnotation(tokenName);
  return Promise.all(targets.map(async (t): Promise<ConsumerFacts> => {
    let w: Workload | undefined;
    try {
      w = await kube.get<Workload>(workloadPath(namespace, t.kind, t.name));
    } catch (error) {
      // An answer the operator may not read (RBAC) is a fact, not a failure: the revocation waits for the overlap's end.
      if (!isKubeError(error) || error.status === undefined) throw error;
      return { kind: t.kind, name: t.name, found: 'unreadable', rolledOut: false, detail: error.message };
    }
    if (w === undefined) return { kind: t.kind, name: t.name, found: 'missing', rolledOut: false, detail: `${t.kind} ${t.name} not found in namespace ${namespace}` };
    const reading = rolloutOf(t.kind, w);
    const restartedFor = w.spec?.template?.metadata?.annotations?.[key];
    return { kind: t.kind, name: t.name, found: 'found', rolledOut: reading.rolledOut, detail: reading.detail, ...(restartedFor === undefined ? {} : { restartedFor }) };
  }));
}

/**
 * WorkloadConsumers restarts targets as `kubectl rollout restart` does: one
 * merge patch of the pod template's annotations per target, which both
 * restarts it and marks the token it was restarted for.
 */
export class WorkloadConsumers implements Consumers {
  readonly #kube: KubeClient;
  readonly #namespace: string;
  readonly #tokenName: string;
  readonly #now: () => Date;

  constructor(kube: KubeClient, namespace: string, tokenName: string, now: () => Date) {
    this.#kube = kube;
    this.#namespace = namespace;
    this.#tokenName = tokenName;
    this.#now = now;
  }

  async restart(targets: readonly ConsumerRef[], token: string): Promise<readonly RestartOutcome[]> {
    const annotations = { [restartAnnotation(this.#tokenName)]: token, [RestartedAtAnnotation]: this.#now().toISOString() };
    return Promise.all(targets.map(async (t): Promise<RestartOutcome> => {
      try {
        const patched = await this.#kube.send<Workload>('PATCH', workloadPath(this.#namespace, t.kind, t.name), { spec: { template: { metadata: { annotations } } } }, 'application/merge-patch+json', [404]);
        return { kind: t.kind, name: t.name, outcome: patched === undefined ? 'missing' : 'restarted' };
      } catch (error) {
        // A refusal (RBAC, admission) will not change by retrying; an unanswered call might.
        if (!isKubeError(error) || error.status === undefined || error.status >= 500) throw error;
        return { kind: t.kind, name: t.name, outcome: 'failed', message: error.message };
      }
    }));
  }
}
