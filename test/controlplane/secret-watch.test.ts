/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's generated models are behaviour-free classes and its serializer takes plain objects; constructing instances would only add noise. */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, Watch, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshNamespace } from './fresh-namespace.js';
import { useControlPlane } from './use-control-plane.js';

interface SeenEvent {
  readonly type: string;
  readonly name: string;
  readonly value: string | undefined;
}

// Collects watch events for one namespace until `until` returns true.
async function watchSecrets(kc: KubeConfig, namespace: string, until: (events: readonly SeenEvent[]) => boolean) {
  const events: SeenEvent[] = [];
  let finish: () => void = () => undefined;
  let fail: (err: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const controller = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/secrets`,
    {},
    (type, obj: V1Secret) => {
      const value = obj.data?.['value'];
      events.push({ type, name: obj.metadata?.name ?? '', value: value === undefined ? undefined : Buffer.from(value, 'base64').toString() });
      if (until(events)) finish();
    },
    (err: unknown) => {
      if (err !== null && err !== undefined) fail(err);
    },
  );
  return { events, done, abort: () => { controller.abort(); } };
}

describe('Secrets against the real API server', () => {
  let kc: KubeConfig;
  beforeAll(async () => {
    kc = (await useControlPlane()).kubeConfig();
  }, 30 * 60_000);

  it('creates, watches, updates and deletes a Secret', async () => {
    const namespace = await freshNamespace(kc);
    const api = kc.makeApiClient(CoreV1Api);
    const first = randomBytes(8).toString('hex');
    const second = randomBytes(8).toString('hex');
    const watch = await watchSecrets(kc, namespace, (events) => events.some((e) => e.type === 'DELETED'));

    await api.createNamespacedSecret({ namespace, body: { metadata: { name: 'token' }, stringData: { value: first } } });
    const read = await api.readNamespacedSecret({ namespace, name: 'token' });
    expect(Buffer.from(read.data?.['value'] ?? '', 'base64').toString()).toBe(first);
    read.data = { value: Buffer.from(second).toString('base64') };
    await api.replaceNamespacedSecret({ namespace, name: 'token', body: read });
    await api.deleteNamespacedSecret({ namespace, name: 'token' });

    await watch.done;
    watch.abort();
    expect(watch.events).toEqual([
      { type: 'ADDED', name: 'token', value: first },
      { type: 'MODIFIED', name: 'token', value: second },
      { type: 'DELETED', name: 'token', value: second },
    ]);
    await expect(api.readNamespacedSecret({ namespace, name: 'token' })).rejects.toMatchObject({ code: 404 });
  });
});
