import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretPath } from '../../kube/index.js';
import { tokenPath } from '../../operator/names.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, exampleObjects, startOperatorIn, startTestSandbox, useCluster, waitFor, waitReady, type Cluster } from '../operator/world.js';
import { chartDir, helm, serviceAccountKubeconfig, toolsDir } from './helm.js';

// Namespaced mode with the chart's own RBAC: `helm install` with
// watchNamespaces [a, b], then the operator runs in-process as the chart's
// ServiceAccount with the flags the chart gives its one Deployment, and must
// issue tokens in both a and b and revoke one, with nothing forbidden in its
// log, while the API server refuses that ServiceAccount every Secret and
// token outside the watched namespaces and every cluster-wide list, cluster
// connections included. test/image/image.test.ts runs the image this way.

let cluster: Cluster;
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  toolsDir();
  cluster = await useCluster();
  sandbox = await startTestSandbox();
  dir = await mkdtemp(join(tmpdir(), 'sftoken-helm-ns-'));
}, 900_000);

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('namespaced mode', () => {
  it('reconciles in both watched namespaces as the chart\'s ServiceAccount and can read nothing outside', async () => {
    const ops = await freshNamespace(cluster.cp.kubeConfig(), 'helm-ops');
    const [a, b, elsewhere] = await Promise.all(['helm-a', 'helm-b', 'helm-c'].map((p) => freshNamespace(cluster.cp.kubeConfig(), p)));
    if (a === undefined || b === undefined || elsewhere === undefined) throw new Error('namespaces not created');
    const release = 'sft-ns';
    const op = `${release}-storefront-token-operator`;
    const res = await helm(['install', release, chartDir, '--namespace', ops, '--set', 'crds.install=false', '--set-json', `watchNamespaces=${JSON.stringify([a, b])}`], cluster.cp.kubeconfigPath);
    expect(res.code, res.stderr).toBe(0);
    const sa = await serviceAccountKubeconfig(cluster.cp, cluster.kube, ops, op, join(dir, 'ns.kubeconfig'));
    await cluster.kube.send('POST', secretPath(elsewhere), { metadata: { name: 'not-yours' }, stringData: { k: 'v' } });

    // The installed Deployment's flags, as its container would get them.
    const deployment = await cluster.kube.get<{ spec: { template: { spec: { containers: { args: string[] }[] } } } }>(`/apis/apps/v1/namespaces/${ops}/deployments/${op}`);
    const args = deployment?.spec.template.spec.containers[0]?.args ?? [];
    const flag = (name: string): string | undefined => args.find((x) => x.startsWith(`--${name}=`))?.slice(name.length + 3);
    expect([flag('watch-namespace'), flag('cluster-connections'), flag('lease-name')]).toEqual([`${a},${b}`, 'false', op]);
    const { operator, captured } = await startOperatorIn(cluster, a, {
      kubeconfigPath: sa.kubeconfigPath, namespace: ops, leaderElection: true, leaseName: flag('lease-name') ?? '',
      watchNamespaces: (flag('watch-namespace') ?? '').split(','), clusterConnections: flag('cluster-connections') === 'true',
    });
    try {
      await applyIn(cluster, a, exampleObjects('avvyr', sandbox.url));
      await applyIn(cluster, b, exampleObjects('cloudflare', sandbox.url));
      await waitReady(cluster, a, 'nordic-storefront', 40_000);
      await waitReady(cluster, b, 'edge-kv-reader', 40_000);
      await cluster.kube.mergePatch(tokenPath(a, 'nordic-storefront'), { spec: { revoked: true } });
      await waitFor('revoked as the namespaced ServiceAccount', () => sandbox.inventory('avvyr').some((e) => e.state === 'revoked'));
    } finally {
      await operator.stop();
    }
    expect(captured.logs.filter((l) => /forbidden|\b403\b/i.test(l)), 'the operator needed nothing the chart did not grant').toEqual([]);

    const rows = [
      { reason: 'a Secret in an unwatched namespace', method: 'GET', path: secretPath(elsewhere, 'not-yours'), status: 403 },
      { reason: 'Secrets of an unwatched namespace', method: 'GET', path: secretPath(elsewhere), status: 403 },
      { reason: 'every Secret in the cluster', method: 'GET', path: '/api/v1/secrets', status: 403 },
      { reason: 'a Secret written into an unwatched namespace', method: 'POST', path: `${secretPath(elsewhere)}?dryRun=All`, status: 403 },
      { reason: 'tokens of an unwatched namespace', method: 'GET', path: tokenPath(elsewhere), status: 403 },
      { reason: 'every token in the cluster', method: 'GET', path: tokenPath(), status: 403 },
      { reason: 'ClusterPlatformConnections: no cluster-wide grant at all by default', method: 'GET', path: '/apis/sftoken.dev/v1alpha1/clusterplatformconnections', status: 403 },
      { reason: 'a watched namespace is granted', method: 'GET', path: secretPath(b), status: 200 },
    ];
    for (const row of rows) {
      const answer = await sa.kube.call(row.method, row.path, row.method === 'POST' ? { metadata: { name: 'x', labels: { 'app.kubernetes.io/managed-by': 'storefront-token' } } } : undefined);
      expect(answer.status, row.reason).toBe(row.status);
    }
    const uninstalled = await helm(['uninstall', release, '--namespace', ops], cluster.cp.kubeconfigPath);
    expect(uninstalled.code, uninstalled.stderr).toBe(0);
  }, 120_000);
});
