/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's generated models are behaviour-free classes and its serializer takes plain objects; constructing instances would only add noise. */
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshNamespace } from './fresh-namespace.js';
import { useControlPlane, type TestControlPlane } from './use-control-plane.js';

type Outcome = 'allowed' | 'denied';

const cases: readonly {
  readonly action: string;
  readonly expected: Outcome;
  readonly reason: string;
  readonly run: (api: CoreV1Api, own: string, other: string) => Promise<unknown>;
}[] = [
  { action: 'list configmaps in its namespace', expected: 'allowed', reason: 'the Role grants get/list on configmaps', run: (api, own) => api.listNamespacedConfigMap({ namespace: own }) },
  { action: 'get a configmap in its namespace', expected: 'allowed', reason: 'the Role grants get on configmaps', run: (api, own) => api.readNamespacedConfigMap({ namespace: own, name: 'visible' }) },
  { action: 'list secrets in its namespace', expected: 'denied', reason: 'secrets are not in the Role', run: (api, own) => api.listNamespacedSecret({ namespace: own }) },
  { action: 'create a configmap in its namespace', expected: 'denied', reason: 'the Role grants reads only', run: (api, own) => api.createNamespacedConfigMap({ namespace: own, body: { metadata: { name: 'new' } } }) },
  { action: 'delete a configmap in its namespace', expected: 'denied', reason: 'the Role grants reads only', run: (api, own) => api.deleteNamespacedConfigMap({ namespace: own, name: 'visible' }) },
  { action: 'list configmaps in another namespace', expected: 'denied', reason: 'a RoleBinding is namespaced', run: (api, _own, other) => api.listNamespacedConfigMap({ namespace: other }) },
  { action: 'list namespaces', expected: 'denied', reason: 'a Role cannot grant cluster-scoped access', run: (api) => api.listNamespace() },
];

// A KubeConfig for a ServiceAccount token against the same server and CA.
function serviceAccountConfig(cp: TestControlPlane, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'cp', server: cp.server, caFile: cp.caFile, skipTLSVerify: false }],
    users: [{ name: 'narrow', token }],
    contexts: [{ name: 'narrow', cluster: 'cp', user: 'narrow' }],
    currentContext: 'narrow',
  });
  return kc;
}

describe('RBAC for a ServiceAccount with a narrow Role', () => {
  let cp: TestControlPlane;
  let admin: KubeConfig;
  beforeAll(async () => {
    cp = await useControlPlane();
    admin = cp.kubeConfig();
  }, 30 * 60_000);

  it.each(cases)('$action is $expected ($reason)', async ({ expected, run }) => {
    const own = await freshNamespace(admin);
    const other = await freshNamespace(admin);
    const core = admin.makeApiClient(CoreV1Api);
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await core.createNamespacedServiceAccount({ namespace: own, body: { metadata: { name: 'narrow' } } });
    await core.createNamespacedConfigMap({ namespace: own, body: { metadata: { name: 'visible' } } });
    await core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: 'hidden' } } });
    await rbac.createNamespacedRole({
      namespace: own,
      body: { metadata: { name: 'read-configmaps' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: own,
      body: {
        metadata: { name: 'narrow-reads' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
        subjects: [{ kind: 'ServiceAccount', name: 'narrow', namespace: own }],
      },
    });
    // A real bound token from the TokenRequest API, authenticated like any pod's.
    const request = await core.createNamespacedServiceAccountToken({
      namespace: own,
      name: 'narrow',
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const api = serviceAccountConfig(cp, request.status?.token ?? '').makeApiClient(CoreV1Api);

    const outcome = run(api, own, other);
    if (expected === 'allowed') await expect(outcome).resolves.toBeDefined();
    else await expect(outcome).rejects.toMatchObject({ code: 403 });
  });
});
