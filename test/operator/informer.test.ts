import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { Informer, type InformerEvent } from '../../operator/runtime/informer.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { useCluster, waitFor, type Cluster } from './world.js';

// An informer over a list of namespaces (the operator's --watch-namespace a,b):
// one list and watch per namespace against the real API server, merged into one
// cache that holds exactly those namespaces' objects and follows their changes.

let cluster: Cluster;

beforeAll(async () => {
  cluster = await useCluster();
}, 900_000);

const configMaps = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps?labelSelector=${encodeURIComponent('sftoken-test=informer')}`;

describe('informer over a list of namespaces', () => {
  it('caches and follows exactly the listed namespaces, and stops at once', async () => {
    const [a, b, c] = await Promise.all(['inf-a', 'inf-b', 'inf-c'].map((p) => freshNamespace(cluster.cp.kubeConfig(), p)));
    if (a === undefined || b === undefined || c === undefined) throw new Error('namespaces not created');
    const create = (ns: string, name: string): Promise<unknown> =>
      cluster.kube.send('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name, labels: { 'sftoken-test': 'informer' } }, data: { v: '1' } });
    await Promise.all([create(a, 'one'), create(b, 'two'), create(c, 'elsewhere')]);
    const seen: string[] = [];
    const informer = new Informer<KubeObject>(cluster.kube, {
      path: [a, b].map((ns) => ({ namespace: ns, path: configMaps(ns) })),
      onEvent: (event: InformerEvent, object) => seen.push(`${event} ${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`),
    });
    await informer.start();
    try {
      expect(informer.list().map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`).sort(), 'the first lists').toEqual([`${a}/one`, `${b}/two`].sort());
      await create(b, 'three');
      await create(c, 'still-elsewhere');
      await cluster.kube.call('DELETE', `/api/v1/namespaces/${a}/configmaps/one`);
      await waitFor('the watches', () => informer.get(`${b}/three`) !== undefined && informer.get(`${a}/one`) === undefined);
      expect(informer.size).toBe(2);
      expect(seen.filter((e) => e.includes(c)), 'nothing from an unlisted namespace').toEqual([]);
      expect(seen).toEqual(expect.arrayContaining([`added ${b}/three`, `deleted ${a}/one`]));
    } finally {
      const started = performance.now();
      await informer.stop();
      expect(performance.now() - started, 'stop ends every watch at once').toBeLessThan(1000);
    }
  }, 60_000);
});
