import type { KubeClient } from '../../kube/index.js';
import { workloadPath, type Workload } from '../../operator/reconcile/rollout.js';

// The local control plane runs no deployment or statefulset controller and no
// kubelet, so restart targets never roll out on their own. These helpers
// play the controller: they create a minimal apps/v1 workload and write its
// status subresource the way the controller reports a rollout in progress or
// finished. Shared by the rollout and crash tests.

/** WorkloadKind is a restart target kind the tests create. */
export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** getWorkload reads a workload. */
export function getWorkload(kube: KubeClient, ns: string, kind: WorkloadKind, name: string): Promise<Workload | undefined> {
  return kube.get<Workload>(workloadPath(ns, kind, name));
}

/** createWorkload creates a minimal workload and reports it fully rolled out, as its controller would. */
export async function createWorkload(kube: KubeClient, ns: string, kind: WorkloadKind, name: string, replicas: number): Promise<void> {
  const labels = { app: name };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] } };
  const spec = kind === 'StatefulSet' ? { replicas, serviceName: name, selector: { matchLabels: labels }, template } : { replicas, selector: { matchLabels: labels }, template };
  await kube.send('POST', workloadPath(ns, kind, name).replace(/\/[^/]+$/, ''), { apiVersion: 'apps/v1', kind, metadata: { name }, spec });
  await finishRollout(kube, ns, kind, name);
}

/** finishRollout writes the status a controller reports once every replica runs the current template. */
export async function finishRollout(kube: KubeClient, ns: string, kind: WorkloadKind, name: string): Promise<void> {
  const w = await getWorkload(kube, ns, kind, name);
  const replicas = w?.spec?.replicas ?? 1;
  const generation = w?.metadata.generation ?? 1;
  const status = kind === 'StatefulSet'
    ? { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, currentReplicas: replicas, currentRevision: `${name}-${generation}`, updateRevision: `${name}-${generation}` }
    : { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
  await kube.mergePatch(`${workloadPath(ns, kind, name)}/status`, { status });
}

/** startRollout writes what a controller reports mid-rollout: the new template observed, an old replica still running. */
export async function startRollout(kube: KubeClient, ns: string, kind: WorkloadKind, name: string): Promise<void> {
  const w = await getWorkload(kube, ns, kind, name);
  const replicas = w?.spec?.replicas ?? 1;
  const generation = w?.metadata.generation ?? 1;
  const status = kind === 'StatefulSet'
    ? { observedGeneration: generation, replicas, updatedReplicas: replicas - 1, readyReplicas: replicas, currentRevision: `${name}-${generation - 1}`, updateRevision: `${name}-${generation}` }
    : { observedGeneration: generation, replicas: replicas + 1, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
  await kube.mergePatch(`${workloadPath(ns, kind, name)}/status`, { status });
}
