import { describe, expect, it } from 'vitest';
import type { PlatformName } from '../../core/schema/platform.js';
import type { KubeObject } from '../../kube/index.js';
import type { RunningOperator } from '../../operator/main.js';
import { connectionPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { InventoryEntry, Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, exampleObjects, shareWorld, startOperatorIn, waitFor, waitReady, type Cluster } from './world.js';

// Deleting a namespace deletes everything in it at once: tokens, their state
// Secrets, destination Secrets, PlatformConnections and credentials. These
// rows delete namespaces the way a person or a preview-environment pipeline
// does (`kubectl delete namespace`) and check the platform afterwards: every
// token issued there is revoked (or, under Orphan, still valid by choice),
// nothing is issued after the deletion began, and the namespace goes away.

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

const platforms: readonly PlatformName[] = ['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr'];

interface Setup {
  readonly policy: 'Revoke' | 'Orphan';
  /** cluster: tokens use ClusterPlatformConnections whose credentials live outside the namespace. */
  readonly clusterConnections: boolean;
  readonly platforms: readonly PlatformName[];
}

function inventory(): InventoryEntry[] {
  return platforms.flatMap((p) => sandbox.inventory(p));
}

function idsOf(entries: readonly InventoryEntry[]): Set<string> {
  return new Set(entries.map((e) => `${e.platform}/${e.id}`));
}

// The example objects for one namespace, rewired to cluster connections when asked.
function objectsFor(ns: string, setup: Setup, credentialsNs: string): { namespaced: KubeObject[]; clusterScoped: KubeObject[]; credentials: KubeObject[]; tokens: string[] } {
  const namespaced: KubeObject[] = [];
  const clusterScoped: KubeObject[] = [];
  const credentials: KubeObject[] = [];
  const tokens: string[] = [];
  for (const platform of setup.platforms) {
    for (const object of exampleObjects(platform, sandbox.url)) {
      if (object.kind === 'StorefrontToken') {
        const spec: Record<string, unknown> = { ...(object['spec'] as Record<string, unknown>), deletionPolicy: setup.policy };
        if (setup.clusterConnections) spec['connectionRef'] = { kind: 'ClusterPlatformConnection', name: `${platform}-${ns}` };
        namespaced.push({ ...object, spec });
        tokens.push(object.metadata.name ?? '');
      } else if (object.kind === 'PlatformConnection' && setup.clusterConnections) {
        const spec = object['spec'] as { credentialsSecretRef: Record<string, unknown> };
        clusterScoped.push({ ...object, kind: 'ClusterPlatformConnection', metadata: { name: `${platform}-${ns}` }, spec: { ...spec, credentialsSecretRef: { ...spec.credentialsSecretRef, namespace: credentialsNs } } });
      } else if (object.kind === 'Secret' && setup.clusterConnections) {
        credentials.push(object);
      } else {
        namespaced.push(object);
      }
    }
  }
  return { namespaced, clusterScoped, credentials, tokens };
}

async function provision(ns: string, setup: Setup): Promise<{ issued: Set<string>; clusterScoped: KubeObject[] }> {
  const before = idsOf(inventory());
  const credentialsNs = setup.clusterConnections ? await freshNamespace(cluster.cp.kubeConfig(), 'nsdel-creds') : ns;
  const objects = objectsFor(ns, setup, credentialsNs);
  if (objects.credentials.length > 0) await applyIn(cluster, credentialsNs, objects.credentials);
  for (const c of objects.clusterScoped) await cluster.kube.send('POST', connectionPath('ClusterPlatformConnection'), c);
  await applyIn(cluster, ns, objects.namespaced);
  await Promise.all(objects.tokens.map((t) => waitReady(cluster, ns, t, 30_000)));
  const issued = new Set([...idsOf(inventory())].filter((id) => !before.has(id)));
  return { issued, clusterScoped: objects.clusterScoped };
}

async function deleteNamespace(ns: string): Promise<void> {
  await cluster.kube.send('DELETE', `/api/v1/namespaces/${ns}`);
}

async function waitGone(ns: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  await waitFor(`namespace ${ns} gone`, async () => (await cluster.kube.get(`/api/v1/namespaces/${ns}`)) === undefined, timeoutMs);
  return Date.now() - started;
}

function statesOf(ids: ReadonlySet<string>): Map<string, string> {
  return new Map(inventory().filter((e) => ids.has(`${e.platform}/${e.id}`)).map((e) => [`${e.platform}/${e.id}`, e.state]));
}

// The sandbox records whole seconds, so a deletion starts on a second
// boundary: anything stamped at or after it was created after it.
async function nextSecond(): Promise<string> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
  return new Date().toISOString();
}

function issuedSince(since: string): InventoryEntry[] {
  return inventory().filter((e) => Date.parse(e.createdAt) >= Date.parse(since));
}

async function cleanupClusterConnections(objects: readonly KubeObject[]): Promise<void> {
  for (const c of objects) await cluster.kube.send('DELETE', connectionPath('ClusterPlatformConnection', undefined, c.metadata.name), undefined, undefined, [404]);
}

const rows: { name: string; reason: string; setup: Setup }[] = [
  { name: 'NamespacedRevoke', reason: 'tokens, state, connections and credentials all live in the namespace; every token is revoked before it goes', setup: { policy: 'Revoke', clusterConnections: false, platforms } },
  { name: 'ClusterRevoke', reason: 'cluster connections outlive the namespace; the state Secrets must still outlive the sweep', setup: { policy: 'Revoke', clusterConnections: true, platforms } },
  { name: 'NamespacedOrphan', reason: 'Orphan leaves the tokens valid by choice, and the namespace still goes away', setup: { policy: 'Orphan', clusterConnections: false, platforms } },
];

describe('deleting a namespace', () => {
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      const ns = await freshNamespace(cluster.cp.kubeConfig(), 'nsdel');
      const { operator } = await startOperatorIn(cluster, ns);
      try {
        const { issued, clusterScoped } = await provision(ns, row.setup);
        expect(issued.size, 'one token per platform').toBe(row.setup.platforms.length);
        const since = await nextSecond();
        await deleteNamespace(ns);
        const tookMs = await waitGone(ns);
        const states = [...statesOf(issued).values()];
        if (row.setup.policy === 'Revoke') expect(states, 'every token issued in the namespace is revoked').toEqual(states.map(() => 'revoked'));
        else expect(states, 'Orphan keeps every token valid').toEqual(states.map(() => 'active'));
        expect(issuedSince(since), 'nothing is issued after the deletion began').toEqual([]);
        console.log(`[nsdel] ${row.name}: namespace gone ${tookMs} ms after delete; ${states.length} tokens ${row.setup.policy === 'Revoke' ? 'revoked' : 'left valid'}`);
        await cleanupClusterConnections(clusterScoped);
      } finally {
        await operator.stop();
      }
    }, 120_000);
  }

  it('OperatorDown: a namespace deleted while the operator is down waits for it, and is revoked when it starts', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'nsdel-down');
    let running: RunningOperator | undefined = (await startOperatorIn(cluster, ns)).operator;
    try {
      const { issued } = await provision(ns, { policy: 'Revoke', clusterConnections: false, platforms });
      await running.stop();
      running = undefined;
      const since = await nextSecond();
      await deleteNamespace(ns);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await cluster.kube.get(`/api/v1/namespaces/${ns}`), 'held by the finalizers until the operator runs').toBeDefined();
      expect(await cluster.kube.get(secretPath(ns, 'sftoken-state-nordic-storefront')), 'the state outlives the sweep').toBeDefined();
      expect([...statesOf(issued).values()], 'nothing revoked yet').toEqual([...issued].map(() => 'active'));
      running = (await startOperatorIn(cluster, ns)).operator;
      const tookMs = await waitGone(ns);
      expect([...statesOf(issued).values()]).toEqual([...issued].map(() => 'revoked'));
      expect(issuedSince(since)).toEqual([]);
      console.log(`[nsdel] OperatorDown: namespace gone ${tookMs} ms after the operator started`);
    } finally {
      await running?.stop();
    }
  }, 120_000);

  it('PreviewChurn: 20 namespaces with tokens created and deleted in a loop leave zero active tokens and issue nothing late', async () => {
    const Count = 20;
    const before = idsOf(inventory());
    const deleted: { ns: string; at: string; operator: RunningOperator }[] = [];
    try {
      for (let i = 0; i < Count; i++) {
        const ns = await freshNamespace(cluster.cp.kubeConfig(), `churn-${i}`);
        const { operator } = await startOperatorIn(cluster, ns);
        const platform = platforms[i % platforms.length] ?? 'avvyr';
        await provision(ns, { policy: 'Revoke', clusterConnections: false, platforms: [platform] });
        const at = new Date().toISOString();
        await deleteNamespace(ns);
        deleted.push({ ns, at, operator });
        if ((i + 1) % 5 === 0) console.log(`[nsdel] churn: ${i + 1}/${Count} namespaces created and deleted`);
      }
      await Promise.all(deleted.map((d) => waitGone(d.ns, 90_000)));
      const churned = inventory().filter((e) => !before.has(`${e.platform}/${e.id}`));
      expect(churned, 'one token per namespace, none reissued').toHaveLength(Count);
      expect(churned.filter((e) => e.state === 'active'), 'zero active tokens left').toEqual([]);
      console.log(`[nsdel] churn: ${Count} namespaces, ${churned.length} tokens, 0 active`);
    } finally {
      await Promise.all(deleted.map((d) => d.operator.stop()));
    }
  }, 600_000);
});
