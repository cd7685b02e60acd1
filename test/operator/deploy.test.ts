import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../operator/kube.js';
import type { RunningOperator } from '../../operator/main.js';
import { applyManifests, parseManifests } from '../../operator/manifests.js';
import { secretPath } from '../../operator/names.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, exampleObjects, repoRoot, startOperatorIn, startTestSandbox, useCluster, waitFor, waitReady, type Cluster } from './world.js';

// The deploy manifests: a server-side dry run of every file, then the real
// ServiceAccount, RBAC and admission policy with the operator running as
// that ServiceAccount (least privilege is enough to issue and revoke, and
// not enough to touch a Secret it does not own), and two replicas sharing
// the leader Lease.

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
    await applyManifests(cluster.kube, deploy.filter((o) => o.kind === 'Namespace'));
    const answered = await applyManifests(cluster.kube, deploy, { dryRun: true, fieldManager: 'sftoken-deploy' });
    expect(answered.map((o) => o.kind)).toEqual(deploy.map((o) => o.kind));
  });

  it('least privilege: the ServiceAccount can run the operator but not write Secrets it does not own', async () => {
    await applyManifests(cluster.kube, deploy.filter((o) => o.kind !== 'Deployment'), { fieldManager: 'sftoken-deploy' });
    const sa = await serviceAccountKube();
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-rbac');
    await cluster.kube.send('POST', secretPath(ns), { metadata: { name: 'someone-elses' }, stringData: { k: 'v' } });
    // The policy is enforced once the API server has loaded it.
    await waitFor('foreign Secret write denied', async () => {
      const res = await sa.kube.call('PATCH', secretPath(ns, 'someone-elses'), { stringData: { k: 'x' } }, 'application/merge-patch+json');
      return res.status === 403 || res.status === 422 ? res : undefined;
    });
    const stray = await sa.kube.call('POST', secretPath(ns), { metadata: { name: 'unlabelled' }, stringData: { k: 'v' } });
    expect(stray.status, 'creating an unlabelled Secret is denied').not.toBe(201);
    const { operator } = await startOperatorIn(cluster, ns, { kubeconfigPath: sa.kubeconfigPath, leaderElection: true, namespace: OperatorNamespace, leaseName: 'storefront-token-operator' });
    try {
      await applyIn(cluster, ns, exampleObjects('avvyr', sandbox.url));
      await waitReady(cluster, ns, 'nordic-storefront', 40_000);
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
