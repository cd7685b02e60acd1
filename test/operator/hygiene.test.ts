import { describe, expect, it } from 'vitest';
import type { KubeObject, SecretObject } from '../../kube/index.js';
import { ManagedSelector, tokenPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getToken, shareWorld, startOperatorIn, waitFor, waitReady, type Cluster } from './world.js';

// Secrets hygiene: run every platform through issue, rotation, repair and
// revocation, capture every token value the operator ever wrote into a
// Secret, then grep the operator's logs, the events and the statuses for each
// of them. The sandbox cannot tell us the values; the Secrets can.

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

const names = ['shop-storefront', 'edge-kv-reader', 'catalog-sync', 'nordic-storefront'];

describe('secrets hygiene', () => {
  it('no issued value appears in logs, events or status', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-hygiene');
    const { operator, captured } = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    const values = new Set<string>();
    const collect = async (): Promise<void> => {
      const list = await cluster.kube.list<SecretObject>(`${secretPath(ns)}?labelSelector=${encodeURIComponent(ManagedSelector)}`);
      for (const s of list.items) {
        for (const [key, raw] of Object.entries(s.data ?? {})) {
          if (key === 'state' || raw === '') continue;
          const text = Buffer.from(raw, 'base64').toString('utf8');
          // Non-secret keys (expiry, origins, id) are meant to be visible.
          if (/^(token|current|previous|CLOUDFLARE_API_TOKEN|AVVYR_STOREFRONT_TOKEN)$/.test(key)) values.add(text);
        }
      }
    };
    const sampler = setInterval(() => void collect().catch(() => undefined), 50);
    try {
      const objects = ['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr'].flatMap((p) => exampleObjects(p, sandbox.url)).map((o): KubeObject => {
        if (o.kind !== 'StorefrontToken' || o.metadata.name !== 'edge-kv-reader') return o;
        return { ...o, spec: { ...(o['spec'] as object), lifetime: { ttl: '6s' }, rotation: { renewBefore: '4s', overlap: '1s' } } };
      });
      await applyIn(cluster, ns, objects);
      for (const name of names) await waitReady(cluster, ns, name);
      await cluster.kube.mergePatch(tokenPath(ns, 'shop-storefront'), { spec: { bigcommerce: { allowedCorsOrigins: ['https://other.example.com'] }, rotation: { renewBefore: '240h', overlap: '1s' } } });
      await cluster.kube.send('DELETE', secretPath(ns, 'catalog-sync-token'));
      await waitFor('cloudflare rotated', async () => ((await getToken(cluster, ns, 'edge-kv-reader'))?.status?.history?.length ?? 0) >= 1, 20_000);
      await waitFor('bigcommerce rotated', async () => ((await getToken(cluster, ns, 'shop-storefront'))?.status?.history?.length ?? 0) >= 1, 20_000);
      await collect();
      for (const name of names) await cluster.kube.mergePatch(tokenPath(ns, name), { spec: { revoked: true } });
      for (const name of names) await waitFor(`${name} revoked`, async () => condition(await getToken(cluster, ns, name), 'Revoked')?.status === 'True');
    } finally {
      clearInterval(sampler);
      await operator.stop();
    }
    const events = await cluster.kube.list<KubeObject>(`/api/v1/namespaces/${ns}/events`);
    const tokens = await cluster.kube.list<KubeObject>(tokenPath(ns));
    const haystacks = {
      logs: captured.logs.join(''),
      events: JSON.stringify(events.items) + captured.events.join('\n'),
      status: JSON.stringify(tokens.items.map((t) => t['status'])),
    };
    expect(values.size, 'values were captured from the Secrets (issue + rotations on four platforms)').toBeGreaterThanOrEqual(6);
    expect(captured.logs.length).toBeGreaterThan(10);
    expect(events.items.length).toBeGreaterThan(8);
    const hits: string[] = [];
    for (const value of values) {
      for (const [where, text] of Object.entries(haystacks)) if (text.includes(value)) hits.push(`${where} contains a token value`);
    }
    expect(hits).toEqual([]);
  }, 120_000);
});
