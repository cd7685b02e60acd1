import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../kube/index.js';
import type { RunningOperator } from '../../operator/main.js';
import { parseManifests } from '../../cli/demo/manifests.js';
import { applyObjects } from '../helm/helm.js';
import { InUseFinalizer, connectionPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, exampleObjects, repoRoot, startOperatorIn, startTestSandbox, useCluster, waitFor, waitReady, type Cluster } from './world.js';

// The deploy manifests (deploy/ is `helm template` of charts/storefront-token
// with default values, drift-checked by test/helm/chart.test.ts, so this is the
// chart's cluster-mode RBAC): a server-side dry run of every file, then the real
// ServiceAccount, RBAC and admission policies with the operator running as
// that ServiceAccount (least privilege is enough to issue and revoke and to
// hold a connection and its credentials Secret with the in-use finalizer,
// and not enough to change anything else about a Secret or connection it
// does not own), and two replicas sharing the leader Lease.

const OperatorNamespace = 'storefront-token-system';

let cluster: Cluster;
let sandbox: Sandbox;
let dir: string;
let deploy: KubeObject[];

beforeAll(async () => {
  cluster = await useCluster();
  sandbox = await startTestSandbox();
  dir = await mkdtemp(join(tmpdir(), 'sftoken-deploy-'));
  const files = (await readdir(join(repoRoot, 'deploy'))).filter((f) => f.endsWith('.yaml')).sort();
  deploy = (await Promise.all(files.map(async (f) => parseManifests(await readFile(join(repoRoot, 'deploy', f), 'utf8'))))).flat();
}, 900_000);

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

async function serviceAccountKube(): Promise<{ kube: KubeClient; kubeconfigPath: string }> {
  const res = await cluster.kube.send<{ status: { token: string } }>('POST', `/api/v1/namespaces/${OperatorNamespace}/serviceaccounts/storefront-token-operator/token`, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
  });
  const admin = parse(await readFile(cluster.cp.kubeconfigPath, 'utf8')) as { users: { name: string; user: Record<string, unknown> }[] };
  const kubeconfig = { ...admin, users: admin.users.map((u) => ({ name: u.name, user: { token: res?.status.token ?? '' } })) };
  const kubeconfigPath = join(dir, 'operator.kubeconfig');
  await writeFile(kubeconfigPath, stringify(kubeconfig));
  return { kube: new KubeClient(loadKubeConfig(kubeconfigPath)), kubeconfigPath };
}

describe('deploy manifests', () => {
  it('pass a server-side dry run against the control plane', async () => {
    await applyObjects(cluster.kube, deploy.filter((o) => o.kind === 'Namespace'));
    const answered = await applyObjects(cluster.kube, deploy, { dryRun: true, fieldManager: 'sftoken-deploy' });
    expect(answered.map((o) => o.kind)).toEqual(deploy.map((o) => o.kind));
  });

  it('least privilege: the ServiceAccount can run the operator but not write Secrets it does not own', async () => {
    await applyObjects(cluster.kube, deploy.filter((o) => o.kind !== 'Deployment'), { fieldManager: 'sftoken-deploy' });
    const sa = await serviceAccountKube();
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-rbac');
    await cluster.kube.send('POST', secretPath(ns), { metadata: { name: 'someone-elses' }, stringData: { k: 'v' } });
    // The policy is enforced once the API server has loaded it. A dry run, so that a write let
    // through before then does not turn every later probe into a no-op the policy rightly allows.
    await waitFor('foreign Secret write denied', async () => {
      const res = await sa.kube.call('PATCH', `${secretPath(ns, 'someone-elses')}?dryRun=All`, { stringData: { k: 'x' } }, 'application/merge-patch+json');
      return res.status === 403 || res.status === 422 ? res : undefined;
    });
    const stray = await sa.kube.call('POST', secretPath(ns), { metadata: { name: 'unlabelled' }, stringData: { k: 'v' } });
    expect(stray.status, 'creating an unlabelled Secret is denied').not.toBe(201);
    // deploy/'s own Lease, the only one its leader Role names. This file is its only user: the image
    // test installs the chart under releases of its own (own ServiceAccount and Lease), so the two
    // never wait on each other's leader.
    const deployment = deploy.find((o) => o.kind === 'Deployment') as (KubeObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } }) | undefined;
    const leaseName = deployment?.spec.template.spec.containers[0]?.args.find((a) => a.startsWith('--lease-name='))?.slice('--lease-name='.length);
    expect(leaseName).toBe('storefront-token-operator');
    const { operator } = await startOperatorIn(cluster, ns, { kubeconfigPath: sa.kubeconfigPath, leaderElection: true, namespace: OperatorNamespace, leaseName: leaseName ?? '' });
    try {
      await applyIn(cluster, ns, exampleObjects('avvyr', sandbox.url));
      await waitReady(cluster, ns, 'nordic-storefront', 40_000);
      // The user's credentials Secret and connection got the in-use finalizer through RBAC and both policies...
      const connection = connectionPath('PlatformConnection', ns, 'avvyr');
      expect((await cluster.kube.get<KubeObject>(secretPath(ns, 'avvyr-credentials')))?.metadata.finalizers).toContain(InUseFinalizer);
      expect((await cluster.kube.get<KubeObject>(connection))?.metadata.finalizers).toContain(InUseFinalizer);
      // ...but nothing else about them is the operator's to change (dry runs: admission runs, nothing is stored).
      const refused: { reason: string; path: string; patch: unknown }[] = [
        { reason: 'credentials data', path: secretPath(ns, 'avvyr-credentials'), patch: { data: { apiKey: null } } },
        { reason: 'a label slipped in beside the finalizer', path: secretPath(ns, 'avvyr-credentials'), patch: { metadata: { finalizers: [], labels: { sneaky: 'yes' } } } },
        { reason: 'the connection spec', path: connection, patch: { spec: { baseUrl: 'https://elsewhere.example.com' } } },
        { reason: 'a finalizer that is not ours', path: connection, patch: { metadata: { finalizers: [InUseFinalizer, 'example.com/other'] } } },
      ];
      for (const row of refused) {
        await waitFor(`operator may not change ${row.reason}`, async () => {
          const res = await sa.kube.call('PATCH', `${row.path}?dryRun=All`, row.patch, 'application/merge-patch+json');
          return res.status === 403 ? res : undefined;
        });
      }
      await cluster.kube.mergePatch(`/apis/sftoken.dev/v1alpha1/namespaces/${ns}/storefronttokens/nordic-storefront`, { spec: { revoked: true } });
      await waitFor('revoked as the ServiceAccount', () => sandbox.inventory('avvyr').some((e) => e.state === 'revoked'));
    } finally {
      await operator.stop();
    }
  }, 90_000);

  it('two replicas: one leads, the other takes over when it stops', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-leader');
    const lease = `sftoken-test-${ns}`;
    const options = { leaderElection: true, leaseName: lease, namespace: ns };
    const a = await startOperatorIn(cluster, ns, { ...options, identity: 'replica-a' });
    const b = await startOperatorIn(cluster, ns, { ...options, identity: 'replica-b' });
    const replicas: RunningOperator[] = [a.operator, b.operator];
    try {
      await waitFor('a leader', () => replicas.some((r) => r.leading()));
      await new Promise((r) => setTimeout(r, 2500));
      expect(replicas.filter((r) => r.leading()).length, 'exactly one leader').toBe(1);
      const leader = replicas.find((r) => r.leading());
      const standby = replicas.find((r) => !r.leading());
      await leader?.stop();
      await waitFor('standby takes over', () => standby?.leading() === true, 20_000);
      await applyIn(cluster, ns, exampleObjects('cloudflare', sandbox.url));
      await waitReady(cluster, ns, 'edge-kv-reader');
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  }, 60_000);
});
