/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's generated models are behaviour-free classes and its serializer takes plain objects; constructing instances would only add noise. */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../controlplane/probe.js';
import { freshNamespace } from './fresh-namespace.js';
import { useControlPlane } from './use-control-plane.js';

// Polls until the Secret's state matches, or fails after the deadline.
async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

const cases = [
  { policy: 'Background', dependentSurvives: false, reason: 'the garbage collector deletes dependents after the owner is gone' },
  { policy: 'Foreground', dependentSurvives: false, reason: 'the owner waits for the garbage collector to delete dependents first' },
  { policy: 'Orphan', dependentSurvives: true, reason: 'orphaning strips the ownerReference and keeps the dependent' },
] as const;

describe('garbage collection by the real kube-controller-manager', () => {
  let kc: KubeConfig;
  beforeAll(async () => {
    kc = (await useControlPlane()).kubeConfig();
  }, 30 * 60_000);

  it.each(cases)('$policy deletion of the owner ($reason)', async ({ policy, dependentSurvives }) => {
    const namespace = await freshNamespace(kc);
    const api = kc.makeApiClient(CoreV1Api);
    const owner = await api.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owner' } } });
    await api.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '', blockOwnerDeletion: true }],
        },
        stringData: { value: 'x' },
      },
    });

    await api.deleteNamespacedConfigMap({ namespace, name: 'owner', propagationPolicy: policy });

    const ownerGone = await eventually(async () => {
      const cms = await api.listNamespacedConfigMap({ namespace, fieldSelector: 'metadata.name=owner' });
      return cms.items.length === 0;
    });
    expect(ownerGone).toBe(true);
    if (dependentSurvives) {
      const stripped = await eventually(async () => {
        const s = await api.readNamespacedSecret({ namespace, name: 'dependent' });
        return (s.metadata?.ownerReferences ?? []).length === 0;
      });
      expect(stripped).toBe(true);
    } else {
      const collected = await eventually(async () => {
        const secrets = await api.listNamespacedSecret({ namespace, fieldSelector: 'metadata.name=dependent' });
        return secrets.items.length === 0;
      });
      expect(collected).toBe(true);
    }
  });
});
