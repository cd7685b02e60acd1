import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../kube/index.js';
import { DeployNamespace, deployFiles, staleFiles } from '../../scripts/generate-deploy.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { useControlPlane, type TestControlPlane } from '../controlplane/use-control-plane.js';
import { applyObjects, chartDir, helm, ofKind, render, repoRoot, runTool, setArgs, toolsDir } from './helm.js';

// The chart as a user meets it: `helm lint`, `helm template` for each mode,
// the values it refuses, the CRDs (crds/ itself) and deploy/ kept in step, and
// the rendered manifests accepted by a real API server (server-side dry run).

const namespaced = { watchNamespaces: ['shop-a', 'shop-b'] };
const monitoring = { 'metrics.serviceMonitor.enabled': true, 'metrics.prometheusRule.enabled': true };

beforeAll(() => {
  toolsDir();
}, 900_000);

describe('helm lint', () => {
  it.each([
    { mode: 'defaults (cluster mode)', values: {} },
    { mode: 'namespaced mode with monitoring', values: { ...namespaced, ...monitoring } },
    { mode: 'one replica without leader election, pinned digest', values: { replicas: 1, 'leaderElection.enabled': false, 'image.digest': `sha256:${'a'.repeat(64)}` } },
  ])('passes --strict: $mode', async ({ values }) => {
    const res = await helm(['lint', '--strict', chartDir, ...setArgs(values)]);
    expect(res.stdout + res.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(res.code).toBe(0);
  });
});

describe('helm template', () => {
  it('refuses values the operator cannot honour', async () => {
    const rows = [
      { reason: 'two replicas without a Lease would both reconcile', values: { replicas: 2, 'leaderElection.enabled': false }, message: /needs replicas=1/ },
      { reason: 'a namespace twice would render two Roles with one name', values: { watchNamespaces: ['a', 'a'] }, message: /twice/ },
      { reason: 'not a namespace name', values: { watchNamespaces: ['Shop_A'] }, message: /not a namespace name/ },
      { reason: 'the operator knows four levels', values: { logLevel: 'verbose' }, message: /logLevel/ },
      { reason: 'a ServiceMonitor needs the Service it selects', values: { 'metrics.serviceMonitor.enabled': true, 'metrics.service.enabled': false }, message: /metrics.service.enabled/ },
    ];
    for (const row of rows) {
      const res = await helm(['template', 'x', chartDir, ...setArgs(row.values)]);
      expect(res.code, row.reason).not.toBe(0);
      expect(res.stderr, row.reason).toMatch(row.message);
    }
  });

  it('cluster mode: one ClusterRole that reads Secrets, one Deployment for every namespace', async () => {
    const objects = await render('storefront-token', DeployNamespace);
    const [role] = ofKind(objects, 'ClusterRole');
    expect(role?.metadata.name).toBe('storefront-token-operator');
    expect(JSON.stringify(role)).toContain('"secrets"');
    const deployments = ofKind(objects, 'Deployment') as (KubeObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } })[];
    expect(deployments.map((d) => d.metadata.name)).toEqual(['storefront-token-operator']);
    const args = deployments[0]?.spec.template.spec.containers[0]?.args ?? [];
    expect(args).toContain('--lease-name=storefront-token-operator');
    expect(args.some((a) => a.startsWith('--watch-namespace') || a.startsWith('--cluster-connections'))).toBe(false);
    expect(role?.rules, 'cluster connections are read, and their status written').toEqual(expect.arrayContaining([expect.objectContaining({ resources: ['clusterplatformconnections'] })]));
  });

  it('namespaced mode: one Deployment for the listed namespaces, Roles only there and in its own, nothing cluster-wide', async () => {
    type Role = KubeObject & { rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[] };
    type Deployment = KubeObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    const rows = [
      { reason: 'the default: no ClusterPlatformConnections, so no cluster-wide grant at all', values: namespaced, clusterRules: [], ownRoles: ['sft-storefront-token-operator-leader'], flag: ['--cluster-connections=false'] },
      { reason: 'clusterConnections=true: a ClusterRole that only reads them, and their credentials in its own namespace', values: { ...namespaced, clusterConnections: true }, clusterRules: [{ resources: ['clusterplatformconnections'], verbs: ['get', 'list', 'watch'] }], ownRoles: ['sft-storefront-token-operator-credentials', 'sft-storefront-token-operator-leader'], flag: [] },
    ];
    for (const row of rows) {
      const objects = await render('sft', 'ops', row.values);
      const clusterRoles = ofKind(objects, 'ClusterRole') as Role[];
      expect(clusterRoles.flatMap((r) => r.rules.map((rule) => ({ resources: rule.resources, verbs: rule.verbs }))), row.reason).toEqual(row.clusterRules);
      expect(ofKind(objects, 'ClusterRoleBinding').length, row.reason).toBe(row.clusterRules.length === 0 ? 0 : 1);
      const roles = [...ofKind(objects, 'Role'), ...ofKind(objects, 'RoleBinding')];
      expect([...new Set(roles.map((r) => r.metadata.namespace))].sort(), row.reason).toEqual(['ops', 'shop-a', 'shop-b']);
      expect([...new Set(ofKind(objects, 'Role').filter((r) => r.metadata.namespace === 'ops').map((r) => r.metadata.name))].sort(), row.reason).toEqual(row.ownRoles);
      // One process watches both namespaces: one Deployment, one Lease.
      const deployments = ofKind(objects, 'Deployment') as Deployment[];
      expect(deployments.map((d) => [d.metadata.name, d.spec.template.spec.containers[0]?.args.filter((a) => /^--(watch-namespace|lease-name|cluster-connections)=/.test(a))]), row.reason).toEqual([
        ['sft-storefront-token-operator', ['--lease-name=sft-storefront-token-operator', '--watch-namespace=shop-a,shop-b', ...row.flag]],
      ]);
      const leader = ofKind(objects, 'Role').find((r) => r.metadata.name === 'sft-storefront-token-operator-leader') as Role | undefined;
      expect(leader?.rules[1]?.resourceNames, row.reason).toEqual(['sft-storefront-token-operator']);
      expect(ofKind(objects, 'PodDisruptionBudget').map((p) => p.metadata.name), row.reason).toEqual(['sft-storefront-token-operator']);
    }
  });

  it('the Pod runs locked down: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp, probes', async () => {
    const [deployment] = ofKind(await render('storefront-token', DeployNamespace), 'Deployment') as (KubeObject & { spec: { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } })[];
    const pod = deployment?.spec.template.spec;
    expect(pod?.['securityContext']).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod?.containers[0]).toMatchObject({
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      livenessProbe: { httpGet: { path: '/healthz' } },
      readinessProbe: { httpGet: { path: '/readyz' } },
      image: `storefront-token-operator:${(parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion}`,
    });
  });

  it('installs the operator version of this repository by default (appVersion follows package.json)', () => {
    const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { appVersion: string };
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(chart.appVersion).toBe(pkg.version);
  });

  it('the admission policies name the ServiceAccount the release creates, whatever it is called', async () => {
    const rows = [
      { release: 'storefront-token', namespace: DeployNamespace, values: {}, user: 'system:serviceaccount:storefront-token-system:storefront-token-operator' },
      { release: 'tokens', namespace: 'platform', values: {}, user: 'system:serviceaccount:platform:tokens-storefront-token-operator' },
      { release: 'tokens', namespace: 'platform', values: { 'serviceAccount.name': 'sftoken' }, user: 'system:serviceaccount:platform:sftoken' },
    ];
    for (const row of rows) {
      const objects = await render(row.release, row.namespace, row.values);
      const [sa] = ofKind(objects, 'ServiceAccount');
      expect(`system:serviceaccount:${sa?.metadata.namespace ?? ''}:${sa?.metadata.name ?? ''}`).toBe(row.user);
      const policies = ofKind(objects, 'ValidatingAdmissionPolicy') as (KubeObject & { spec: { matchConditions: { expression: string }[] } })[];
      expect(policies).toHaveLength(2);
      for (const p of policies) expect(p.spec.matchConditions.map((c) => c.expression)).toEqual([`request.userInfo.username == "${row.user}"`]);
      const deployment = ofKind(objects, 'Deployment')[0] as (KubeObject & { spec: { template: { spec: { serviceAccountName: string } } } }) | undefined;
      expect(deployment?.spec.template.spec.serviceAccountName).toBe(sa?.metadata.name);
    }
  });

  it('CRDs are crds/ with helm.sh/resource-policy: keep, or without it when crds.keep=false, or absent', async () => {
    const expected = ['clusterplatformconnections', 'platformconnections', 'storefronttokens'].map((n) => parse(readFileSync(join(repoRoot, 'crds', `${n}.sftoken.dev.yaml`), 'utf8')) as KubeObject);
    const kept = ofKind(await render('storefront-token', DeployNamespace), 'CustomResourceDefinition');
    expect(kept).toEqual(expected.map((c) => ({ ...c, metadata: { ...c.metadata, annotations: { 'helm.sh/resource-policy': 'keep' } } })));
    expect(ofKind(await render('storefront-token', DeployNamespace, { 'crds.keep': false }), 'CustomResourceDefinition')).toEqual(expected);
    expect(ofKind(await render('storefront-token', DeployNamespace, { 'crds.install': false }), 'CustomResourceDefinition')).toEqual([]);
  });

  it('deploy/ matches the chart (run `npx tsx scripts/generate-deploy.ts` if this fails)', () => {
    const files = deployFiles(join(toolsDir(), 'helm'));
    expect([...files.keys()].filter((p) => p.startsWith('deploy/')).sort()).toEqual(['deploy/admission-policy.yaml', 'deploy/deployment.yaml', 'deploy/namespace.yaml', 'deploy/poddisruptionbudget.yaml', 'deploy/rbac.yaml', 'deploy/service.yaml', 'deploy/serviceaccount.yaml']);
    for (const [path, content] of files) expect(readFileSync(join(repoRoot, path), 'utf8'), path).toBe(content);
    expect(staleFiles(files)).toEqual([]);
  });
});

describe('ServiceMonitor and PrometheusRule', () => {
  // The control plane has no monitoring.coreos.com CRDs; the Prometheus Operator's own Go
  // types (strict decoding: unknown fields and wrong types are errors) check them instead.
  const check = async (objects: unknown[]): Promise<string[]> => {
    const res = await runTool('promql-check', ['monitoring'], { input: JSON.stringify(objects) });
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as string[];
  };

  it.each([
    { mode: 'cluster mode', values: monitoring },
    { mode: 'namespaced mode', values: { ...monitoring, ...namespaced } },
  ])('decode into the Prometheus Operator\'s types: $mode', async ({ values }) => {
    const objects = (await render('storefront-token', DeployNamespace, values)).filter((o) => o.apiVersion === 'monitoring.coreos.com/v1');
    expect(objects.map((o) => o.kind).sort()).toEqual(['PrometheusRule', 'ServiceMonitor']);
    expect(await check(objects)).toEqual([]);
  });

  it('a misspelt field is refused (the check can fail)', async () => {
    const [monitor] = ofKind(await render('storefront-token', DeployNamespace, monitoring), 'ServiceMonitor') as (KubeObject & { spec: Record<string, unknown> })[];
    const { namespaceSelector, ...rest } = monitor?.spec ?? {};
    expect(await check([{ ...monitor, spec: { ...rest, namespaceSelectors: namespaceSelector } }])).toEqual([expect.stringContaining('unknown field "namespaceSelectors"')]);
  });
});

describe('helm template against the API server', () => {
  let cp: TestControlPlane;
  let kube: KubeClient;

  beforeAll(async () => {
    cp = await useControlPlane();
    kube = new KubeClient(loadKubeConfig(cp.kubeconfigPath));
  }, 900_000);

  // The Prometheus Operator's CRDs are not on the control plane: the
  // ServiceMonitor and PrometheusRule are checked against its Go types above.
  it.each([
    { mode: 'cluster mode', watch: 0 },
    { mode: 'namespaced mode', watch: 2 },
  ])('passes a server-side dry run: $mode', async ({ watch }) => {
    const ns = await freshNamespace(cp.kubeConfig(), 'helm-dry');
    const watched = await Promise.all(Array.from({ length: watch }, () => freshNamespace(cp.kubeConfig(), 'helm-dry-w')));
    const objects = await render('dry', ns, { watchNamespaces: watched });
    const answered = await applyObjects(kube, objects, { dryRun: true });
    expect(answered.map((o) => `${o.kind ?? ''}/${o.metadata.name ?? ''}`)).toEqual(objects.map((o) => `${o.kind ?? ''}/${o.metadata.name ?? ''}`));
    expect(objects.some((o) => o.kind === 'CustomResourceDefinition')).toBe(true);
  }, 60_000);
});
