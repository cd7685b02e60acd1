import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretPath, type KubeObject } from '../../kube/index.js';
import { tokenPath } from '../../operator/names.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, crdManifests, exampleObjects, useCluster, waitFor, type Cluster } from '../operator/world.js';
import { chartDir, helm, serviceAccountKubeconfig, toolsDir } from './helm.js';

// helm install, upgrade and uninstall on the local control plane, as a user
// runs them (no kubelet: the Pods never start, the API objects are the
// point), and the admission policy following a renamed release. Release names
// differ from deploy/'s (storefront-token), so the cluster-scoped objects of
// test/operator/deploy.test.ts are never touched.

let cluster: Cluster;
let dir: string;

beforeAll(async () => {
  toolsDir();
  cluster = await useCluster();
  dir = await mkdtemp(join(tmpdir(), 'sftoken-helm-'));
}, 900_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const crdPath = (name: string): string => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`;

/** expectHelm runs helm as the admin and fails with its stderr on a non-zero exit. */
async function expectHelm(args: readonly string[]): Promise<string> {
  const res = await helm(args, cluster.cp.kubeconfigPath);
  expect(res.code, `helm ${args.join(' ')}: ${res.stderr}`).toBe(0);
  return res.stdout + res.stderr;
}

describe('helm install, upgrade, uninstall', () => {
  it('installs, upgrades and uninstalls; the CRDs and every StorefrontToken outlive the release, and a re-install adopts the CRDs', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'helm-release');
    const shop = await freshNamespace(cluster.cp.kubeConfig(), 'helm-shop');
    const release = 'sft-install';
    const op = `${release}-storefront-token-operator`;
    // The CRDs are already here (kubectl apply -f crds/, as every other suite does): a
    // user moving to the chart marks them as the release's so that Helm adopts them.
    for (const crd of crdManifests()) {
      await cluster.kube.mergePatch(crdPath(crd.metadata.name), {
        metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': ns } },
      });
    }
    await applyIn(cluster, shop, exampleObjects('avvyr', 'http://127.0.0.1:1'));
    const token = await cluster.kube.get<KubeObject>(tokenPath(shop, 'nordic-storefront'));
    expect(token?.metadata.uid).toBeDefined();

    await expectHelm(['install', release, chartDir, '--namespace', ns]);
    const deploymentPath = `/apis/apps/v1/namespaces/${ns}/deployments/${op}`;
    const installed = await cluster.kube.get<{ spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } } }>(deploymentPath);
    expect(installed?.spec.replicas).toBe(2);
    expect(installed?.spec.template.spec.containers[0]?.args).toContain('--log-level=info');
    for (const path of [
      `/api/v1/namespaces/${ns}/serviceaccounts/${op}`,
      `/api/v1/namespaces/${ns}/services/${op}-metrics`,
      `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${op}`,
      `/apis/rbac.authorization.k8s.io/v1/clusterroles/${op}`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/${op}-leader`,
      `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${op}-owned-secrets`,
    ]) expect(await cluster.kube.get(path), path).toBeDefined();
    const crd = await cluster.kube.get<KubeObject>(crdPath('storefronttokens.sftoken.dev'));
    expect(crd?.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep', 'meta.helm.sh/release-name': release });

    await expectHelm(['upgrade', release, chartDir, '--namespace', ns, '--set', 'logLevel=debug', '--set', 'replicas=3']);
    const upgraded = await cluster.kube.get<{ spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } } }>(deploymentPath);
    expect(upgraded?.spec.replicas).toBe(3);
    expect(upgraded?.spec.template.spec.containers[0]?.args).toContain('--log-level=debug');
    expect(await expectHelm(['status', release, '--namespace', ns])).toMatch(/REVISION: 2/);

    const uninstalled = await expectHelm(['uninstall', release, '--namespace', ns]);
    expect(uninstalled).toMatch(/kept due to the resource policy/);
    expect(await cluster.kube.get(deploymentPath)).toBeUndefined();
    expect(await cluster.kube.get(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${op}`)).toBeUndefined();
    expect(await cluster.kube.get(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${op}-owned-secrets`)).toBeUndefined();
    for (const c of crdManifests()) expect(await cluster.kube.get(crdPath(c.metadata.name)), c.metadata.name).toBeDefined();
    const after = await cluster.kube.get<KubeObject>(tokenPath(shop, 'nordic-storefront'));
    expect(after?.metadata.uid, 'the very same StorefrontToken is still there').toBe(token?.metadata.uid);

    // The kept CRDs still carry this release's ownership, so installing it again adopts them.
    await expectHelm(['install', release, chartDir, '--namespace', ns]);
    await expectHelm(['uninstall', release, '--namespace', ns]);
  }, 180_000);
});

describe('admission policy of a renamed release', () => {
  it('restricts the renamed ServiceAccount, and the denial is the policy\'s (without it RBAC alone lets the write through)', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'helm-renamed');
    const target = await freshNamespace(cluster.cp.kubeConfig(), 'helm-target');
    const release = 'tokens-renamed';
    await expectHelm(['install', release, chartDir, '--namespace', ns, '--set', 'crds.install=false']);
    const sa = await serviceAccountKubeconfig(cluster.cp, cluster.kube, ns, `${release}-storefront-token-operator`, join(dir, 'renamed.kubeconfig'));
    await cluster.kube.send('POST', secretPath(target), { metadata: { name: 'someone-elses' }, stringData: { k: 'v' } });
    // Dry runs: admission runs, nothing is stored, so every probe sees the same Secret.
    const patchForeign = (): Promise<{ status: number; body: unknown }> =>
      sa.kube.call('PATCH', `${secretPath(target, 'someone-elses')}?dryRun=All`, { stringData: { k: 'x' } }, 'application/merge-patch+json');
    // The API server loads a new policy within a second or so.
    const denied = await waitFor('foreign Secret write denied', async () => {
      const res = await patchForeign();
      return res.status === 403 ? res : undefined;
    });
    expect(JSON.stringify(denied.body)).toContain('may only write Secrets labelled app.kubernetes.io/managed-by=storefront-token');
    const unlabelled = await sa.kube.call('POST', `${secretPath(target)}?dryRun=All`, { metadata: { name: 'unlabelled' }, stringData: { k: 'v' } });
    expect(unlabelled.status, 'creating an unlabelled Secret').toBe(403);
    const owned = await sa.kube.call('POST', `${secretPath(target)}?dryRun=All`, { metadata: { name: 'owned', labels: { 'app.kubernetes.io/managed-by': 'storefront-token' } }, stringData: { k: 'v' } });
    expect(owned.status, 'creating a labelled Secret (RBAC grants it, the policy allows it)').toBe(201);

    await expectHelm(['upgrade', release, chartDir, '--namespace', ns, '--set', 'crds.install=false', '--set', 'admissionPolicy.enabled=false']);
    await waitFor('foreign Secret write allowed once the policy is gone', async () => (await patchForeign()).status === 200);
    await expectHelm(['uninstall', release, '--namespace', ns]);
  }, 120_000);
});
