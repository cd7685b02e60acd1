import type { KubeConfig } from '@kubernetes/client-node';
import { ControlPlaneError } from './errors.js';
import { KubeClient } from '../kube/client.js';
import { sleep } from './probe.js';

/** CrdManifest is a CustomResourceDefinition in wire format, e.g. parsed from crds/*.yaml. */
export interface CrdManifest {
  readonly metadata: { readonly name: string } & Readonly<Record<string, unknown>>;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** InstallCrdsOptions bound how long installCrds waits. */
export interface InstallCrdsOptions {
  /** timeoutMs bounds the wait for every CRD to be Established (default 30 s). */
  readonly timeoutMs?: number;
}

interface CrdStatus {
  readonly status?: { readonly conditions?: readonly { readonly type?: string; readonly status?: string }[] };
}

function established(crd: unknown): boolean {
  const conditions = (crd as CrdStatus | undefined)?.status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/**
 * installCrds server-side-applies CustomResourceDefinitions (wire format, so
 * CEL rules and other x-kubernetes-* keys survive) and resolves once each is
 * Established, so custom resources can be created right after. Re-applying
 * the same CRD is harmless.
 */
export async function installCrds(kc: KubeConfig, crds: readonly CrdManifest[], options: InstallCrdsOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const client = new KubeClient(kc, { maxSockets: 2 });
  try {
    await applyAll(client, crds);
    await waitEstablished(client, crds, deadline);
  } finally {
    client.close();
  }
}

async function applyAll(client: KubeClient, crds: readonly CrdManifest[]): Promise<void> {
  for (const crd of crds) {
    const name = crd.metadata.name;
    const body = { ...crd, apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
    let res;
    try {
      res = await client.call('PATCH', `${crdPath}/${encodeURIComponent(name)}?fieldManager=sftoken-controlplane&force=true`, body, 'application/apply-patch+yaml');
    } catch (err) {
      throw new ControlPlaneError('CONTROLPLANE_CRD_NOT_ESTABLISHED', `cannot apply CRD ${name}`, { cause: err });
    }
    if (res.status !== 200 && res.status !== 201) {
      const message = (res.body as { message?: string } | undefined)?.message ?? '';
      throw new ControlPlaneError('CONTROLPLANE_CRD_NOT_ESTABLISHED', `applying CRD ${name} returned ${String(res.status)}: ${message}`);
    }
  }
}

async function waitEstablished(client: KubeClient, crds: readonly CrdManifest[], deadline: number): Promise<void> {
  for (const crd of crds) {
    const name = crd.metadata.name;
    for (;;) {
      const res = await client.call('GET', `${crdPath}/${encodeURIComponent(name)}`);
      if (res.status === 200 && established(res.body)) break;
      if (Date.now() > deadline) {
        throw new ControlPlaneError('CONTROLPLANE_CRD_NOT_ESTABLISHED', `CRD ${name} not Established in time (last status ${String(res.status)})`);
      }
      await sleep(50);
    }
  }
}
