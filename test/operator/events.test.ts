import { describe, expect, it } from 'vitest';
import { EventRecorder } from '../../operator/runtime/events.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import { tokenPath } from '../../operator/names.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, exampleObjects, getToken, shareWorld, startOperatorIn, waitFor, type Cluster } from './world.js';

// Events fold repeats against the real API server: the same reason and
// message on the same token within the window update one Event's count and
// lastTimestamp (what `kubectl describe` shows as "x3 over 5m") instead of
// adding Events; anything else, or a repeat after the window, is a new one.

let cluster: Cluster;
let sandboxUrl: string;
shareWorld((c, s) => {
  cluster = c;
  sandboxUrl = s.url;
});

/** CoreEvent is the part of a core/v1 Event the tests read. */
interface CoreEvent {
  readonly metadata: { readonly name: string };
  readonly involvedObject: { readonly name: string; readonly uid?: string };
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
}

async function eventsOf(ns: string, name: string): Promise<CoreEvent[]> {
  const list = await cluster.kube.list<CoreEvent>(`/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`);
  return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** tokenIn applies the Avvyr example's token (no operator runs, so nothing else writes events about it). */
async function tokenIn(ns: string): Promise<StorefrontTokenObject> {
  await applyIn(cluster, ns, exampleObjects('avvyr', sandboxUrl).filter((o) => o.kind === 'StorefrontToken'));
  const t = await getToken(cluster, ns, 'nordic-storefront');
  if (t === undefined) throw new Error('token not created');
  return t;
}

describe('EventRecorder', () => {
  it('folds the same reason and message within the window into one Event, and starts a new one otherwise', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'events');
    const token = await tokenIn(ns);
    let now = Date.parse('2026-03-01T10:00:00Z');
    const recorder = new EventRecorder(cluster.kube, 'storefront-token-test', undefined, { windowMs: 600_000, now: () => new Date(now) });
    const failing = 'ConnectionNotFound';
    const message = 'PlatformConnection avvyr does not exist';

    await recorder.record(token, 'Warning', failing, message);
    now += 60_000;
    await recorder.record(token, 'Warning', failing, message);
    now += 60_000;
    // Two at once: one write at a time per series, so still one Event.
    await Promise.all([recorder.record(token, 'Warning', failing, message), recorder.record(token, 'Warning', failing, message)]);
    let events = await eventsOf(ns, 'nordic-storefront');
    expect(events.map((e) => ({ reason: e.reason, count: e.count, first: e.firstTimestamp, last: e.lastTimestamp, uid: e.involvedObject.uid }))).toEqual([
      { reason: failing, count: 4, first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:02:00Z', uid: token.metadata.uid },
    ]);

    // Another message is another Event; so is a repeat after the window.
    await recorder.record(token, 'Warning', failing, 'PlatformConnection avvyr-2 does not exist');
    now += 11 * 60_000;
    await recorder.record(token, 'Warning', failing, message);
    events = await eventsOf(ns, 'nordic-storefront');
    expect(events.map((e) => `${e.message} x${String(e.count)} ${e.lastTimestamp}`).sort()).toEqual([
      'PlatformConnection avvyr does not exist x1 2026-03-01T10:13:00Z',
      'PlatformConnection avvyr does not exist x4 2026-03-01T10:02:00Z',
      'PlatformConnection avvyr-2 does not exist x1 2026-03-01T10:02:00Z',
    ]);

    // An Event deleted meanwhile (its TTL passed) is started again, not lost.
    const latest = events.find((e) => e.lastTimestamp === '2026-03-01T10:13:00Z');
    await cluster.kube.send('DELETE', `/api/v1/namespaces/${ns}/events/${latest?.metadata.name ?? ''}`);
    now += 60_000;
    await recorder.record(token, 'Warning', failing, message);
    events = await eventsOf(ns, 'nordic-storefront');
    expect(events.map((e) => `${e.message} x${String(e.count)} ${e.lastTimestamp}`).sort()).toEqual([
      'PlatformConnection avvyr does not exist x1 2026-03-01T10:14:00Z',
      'PlatformConnection avvyr does not exist x4 2026-03-01T10:02:00Z',
      'PlatformConnection avvyr-2 does not exist x1 2026-03-01T10:02:00Z',
    ]);
  });

  it('the operator folds a problem that comes back into the Event it already wrote', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'events-op');
    const { operator } = await startOperatorIn(cluster, ns);
    const point = (connection: string): Promise<unknown> => cluster.kube.mergePatch(tokenPath(ns, 'nordic-storefront'), { spec: { connectionRef: { name: connection } } });
    const seen = (reason: string, count: number): Promise<boolean> => waitFor(`${reason} x${String(count)}`, async () => (await eventsOf(ns, 'nordic-storefront')).some((e) => e.reason === reason && e.count === count), 30_000);
    try {
      // The connection exists without its credentials Secret; "nope" does not exist at all.
      await applyIn(cluster, ns, exampleObjects('avvyr', sandboxUrl).filter((o) => o.kind === 'PlatformConnection'));
      await tokenIn(ns);
      await seen('CredentialsNotFound', 1);
      // Each switch is a change of problem, so an event; each problem seen again is a repeat.
      for (let i = 1; i <= 2; i++) {
        await point('nope');
        await seen('ConnectionNotFound', i);
        if (i === 2) break;
        await point('avvyr');
        await seen('CredentialsNotFound', i + 1);
      }
      const events = await eventsOf(ns, 'nordic-storefront');
      expect(events.map((e) => `${e.type} ${e.reason} x${String(e.count)}`).sort()).toEqual(['Warning ConnectionNotFound x2', 'Warning CredentialsNotFound x2']);
    } finally {
      await operator.stop();
    }
  }, 90_000);
});
