import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../operator/connections/status.js';
import type { KubeObject } from '../../kube/index.js';
import type { RunningOperator } from '../../operator/main.js';
import { connectionPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, shareWorld, startOperatorIn, waitFor, type Cluster } from './world.js';

// Connection status against the real control plane: the operator keeps a
// Ready condition on PlatformConnections and ClusterPlatformConnections from
// the same checks token resolution uses, follows credentials Secrets through
// a watch (and re-checks on a, here short, period from the same cache),
// writes nothing while idle, and never puts a credential value in status or
// logs; the CRD refuses a base URL that would send credentials in clear text.

const ApiKey = 'avak_connection_status_test_value_7f3a';
const RecheckMs = 300;

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

type ConnectionWithStatus = KubeObject & { status?: ConnectionStatus };

function ready(c: ConnectionWithStatus | undefined): { status: string; reason: string; message: string; observedGeneration?: number | undefined; lastTransitionTime: string } | undefined {
  return c?.status?.conditions?.find((x) => x.type === 'Ready');
}

function connection(name: string, secret: string, extra: Record<string, unknown> = {}, kind = 'PlatformConnection'): KubeObject {
  return {
    apiVersion: 'sftoken.dev/v1alpha1', kind, metadata: { name },
    spec: { platform: 'avvyr', baseUrl: `${sandbox.url}/avvyr`, credentialsSecretRef: { name: secret, ...extra } },
  };
}

async function waitReason(path: string, reason: string): Promise<ConnectionWithStatus> {
  return waitFor(`${path} Ready reason ${reason}`, async () => {
    const c = await cluster.kube.get<ConnectionWithStatus>(path);
    return ready(c)?.reason === reason ? c : undefined;
  }, 20_000);
}

async function statusPatches(operator: RunningOperator): Promise<number> {
  const metric = await operator.metrics.kubeCalls.get();
  return metric.values.filter((v) => v.labels['verb'] !== 'GET' && String(v.labels['resource']).endsWith('connections/status')).reduce((n, v) => n + v.value, 0);
}

describe('connection status', () => {
  it('PlatformConnection: CredentialsNotFound, then Ready, then CredentialsInvalid; idle writes nothing', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-connstatus');
    const { operator, captured } = await startOperatorIn(cluster, ns, { connectionRecheckMs: RecheckMs });
    const path = connectionPath('PlatformConnection', ns, 'avvyr');
    try {
      await applyIn(cluster, ns, [connection('avvyr', 'avvyr-credentials')]);
      const missing = await waitReason(path, 'CredentialsNotFound');
      expect(ready(missing)?.status).toBe('False');
      expect(ready(missing)?.message).toContain(`Secret ${ns}/avvyr-credentials does not exist`);
      expect(missing.status?.observedGeneration).toBe(missing.metadata.generation);

      // The credentials watch notices the new Secret.
      await cluster.kube.send('POST', secretPath(ns), { metadata: { name: 'avvyr-credentials' }, stringData: { apiKey: ApiKey } });
      const ok = await waitReason(path, 'Ready');
      expect(ready(ok)).toMatchObject({ status: 'True', message: `Credentials for avvyr found in Secret ${ns}/avvyr-credentials`, observedGeneration: ok.metadata.generation });

      // The printer column kubectl shows.
      const { stdout } = await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', cluster.cp.kubeconfigPath, 'get', 'pconn', '-n', ns, '--no-headers', '-o', 'custom-columns=NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status']);
      expect(stdout.trim().split(/\s+/)).toEqual(['avvyr', 'True']);

      // Idle: several re-checks read the Secret but write nothing.
      const before = await statusPatches(operator);
      expect(before, 'status writes are counted').toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, RecheckMs * 6));
      expect(await statusPatches(operator), 'no status writes while nothing changes').toBe(before);
      expect((await cluster.kube.get<ConnectionWithStatus>(path))?.metadata.resourceVersion).toBe(ok.metadata.resourceVersion);
      expect((await operator.metrics.platformCalls.get()).values.reduce((n, v) => n + v.value, 0), 'no platform calls').toBe(0);

      await cluster.kube.send('PUT', secretPath(ns, 'avvyr-credentials'), { metadata: { name: 'avvyr-credentials' }, stringData: { apikey: ApiKey } });
      const invalid = await waitReason(path, 'CredentialsInvalid');
      expect(ready(invalid)?.status).toBe('False');
      expect(ready(invalid)?.message).toContain('has no "apiKey" key');

      const haystack = JSON.stringify([missing.status, ok.status, invalid.status]) + captured.logs.join('') + captured.events.join('\n');
      expect(haystack.includes(ApiKey), 'no credential value in status, logs or events').toBe(false);
    } finally {
      await operator.stop();
    }
  });

  it('PlatformConnection: a spec the schema rejects is InvalidConnection, fixed by a new generation', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-connstatus');
    const { operator } = await startOperatorIn(cluster, ns, { connectionRecheckMs: RecheckMs });
    const path = connectionPath('PlatformConnection', ns, 'avvyr');
    try {
      await cluster.kube.send('POST', secretPath(ns), { metadata: { name: 'creds' }, stringData: { apiKey: ApiKey } });
      await applyIn(cluster, ns, [connection('avvyr', 'creds', { namespace: 'elsewhere' })]);
      const bad = await waitReason(path, 'InvalidConnection');
      expect(ready(bad)?.message).toContain('credentialsSecretRef.namespace may only be set on a ClusterPlatformConnection');
      await cluster.kube.send('PUT', path, { ...connection('avvyr', 'creds'), metadata: { name: 'avvyr', namespace: ns, resourceVersion: bad.metadata.resourceVersion } });
      const good = await waitReason(path, 'Ready');
      expect(good.metadata.generation).toBeGreaterThan(bad.metadata.generation ?? 0);
      expect(good.status?.observedGeneration).toBe(good.metadata.generation);
    } finally {
      await operator.stop();
    }
  });

  it('PlatformConnection: a base URL that would send credentials in clear text is refused at admission', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-connstatus');
    const rows: { url: string; accepted: boolean; reason: string }[] = [
      { url: 'http://api.bigcommerce.invalid', accepted: false, reason: 'plain http to a remote host would carry admin credentials unencrypted' },
      { url: 'HTTP://API.BIGCOMMERCE.INVALID/x', accepted: false, reason: 'the scheme and host are compared case-insensitively, as the URL parser would' },
      { url: 'http://localhost.example.com', accepted: false, reason: 'a host that only starts like localhost is another host' },
      { url: 'http://localhost@evil.example.com', accepted: false, reason: 'userinfo before the host does not make the host loopback' },
      { url: 'http://127.0.0.1.evil.example.com/', accepted: false, reason: 'a name that starts like a loopback address is a name' },
      { url: 'http://10.0.0.7:8080', accepted: false, reason: 'a private address is still the network' },
      { url: `${sandbox.url}/avvyr`, accepted: true, reason: 'the sandbox on 127.0.0.1' },
      { url: 'http://localhost:18787/avvyr', accepted: true, reason: 'localhost is loopback' },
      { url: 'http://[::1]:18787', accepted: true, reason: '::1 is loopback' },
      { url: 'https://api.avvyr.com', accepted: true, reason: 'https goes anywhere' },
    ];
    for (const row of rows) {
      const object = connection('cleartext', 'creds');
      (object['spec'] as { baseUrl: string }).baseUrl = row.url;
      const res = await cluster.kube.call('POST', `${connectionPath('PlatformConnection', ns)}?dryRun=All`, object);
      expect(res.status === 201, `${row.url}: ${row.reason}`).toBe(row.accepted);
      if (!row.accepted) {
        const message = (res.body as { message?: string } | undefined)?.message ?? '';
        expect(message, row.reason).toContain('spec.baseUrl');
        expect(message, row.reason).toContain('must use https');
        expect(message, 'one error, no "rules were not checked" noise').not.toContain('not checked');
      }
    }
  });

  it('ClusterPlatformConnection: Ready with credentials in a named namespace', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-connstatus');
    // clusterConnectionStatus on: this operator is limited to one namespace, which turns it off by default.
    const { operator } = await startOperatorIn(cluster, ns, { connectionRecheckMs: RecheckMs, clusterConnectionStatus: true });
    const name = `sftoken-test-${ns}`;
    const path = connectionPath('ClusterPlatformConnection', undefined, name);
    try {
      await cluster.kube.send('POST', secretPath(ns), { metadata: { name: 'cluster-creds' }, stringData: { apiKey: ApiKey } });
      await cluster.kube.send('POST', connectionPath('ClusterPlatformConnection'), connection(name, 'cluster-creds', { namespace: ns }, 'ClusterPlatformConnection'));
      const ok = await waitReason(path, 'Ready');
      expect(ready(ok)).toMatchObject({ status: 'True', message: `Credentials for avvyr found in Secret ${ns}/cluster-creds` });
      expect(JSON.stringify(ok.status).includes(ApiKey)).toBe(false);
    } finally {
      await operator.stop();
      await cluster.kube.send('DELETE', path, undefined, undefined, [404]);
    }
  });
});
