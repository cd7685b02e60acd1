import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformName } from '../../core/schema/platform.js';
import { fingerprint } from '../../core/secret.js';
import type { KubeObject } from '../../kube/index.js';
import { RotateAnnotation, stateSecretName, tokenPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { InventoryEntry, Sandbox } from '../../sandbox/index.js';
import { startCheckedSandbox } from '../../sandbox/testing/checked-sandbox.js';
import { capabilityTable } from '../../core/platforms/registry.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { spawnOperator } from './process.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, secretValue, useCluster, waitFor, type Cluster } from './world.js';

// A random loop of SIGKILLs while the tokens rotate, change, lose their
// Secret and get revoked; then one clean start. Checked against the sandbox
// inventory throughout (every platform's live tokens sampled every 5 ms) and
// at the end, with the sandbox validating all traffic against the OpenAPI
// documents. npm test runs 60 kills to stay within its time budget (about
// 2.7 s a kill); SFTOKEN_CRASH_KILLS=100 (or more) runs the long loop. The
// seed is printed first; SFTOKEN_CRASH_SEED=<seed> replays a run.

const Kills = Number(process.env['SFTOKEN_CRASH_KILLS'] ?? 60);
const RevokeAt = Math.max(1, Kills - 10);
const Seed = Number(process.env['SFTOKEN_CRASH_SEED'] ?? Date.now() % 100_000);
// A create whose answer died with the process started at most this long before the token landed.
const InDoubtWindowMs = 15_000;

interface Resource {
  readonly platform: PlatformName;
  readonly name: string;
  readonly secret: string;
  readonly key: string;
}

const resources: readonly Resource[] = [
  { platform: 'bigcommerce', name: 'shop-storefront', secret: 'shop-storefront-token', key: 'token' },
  { platform: 'cloudflare', name: 'edge-kv-reader', secret: 'edge-kv-reader-token', key: 'CLOUDFLARE_API_TOKEN' },
  { platform: 'wizcommerce', name: 'catalog-sync', secret: 'catalog-sync-token', key: 'token' },
  { platform: 'avvyr', name: 'nordic-storefront', secret: 'nordic-storefront-token', key: 'AVVYR_STOREFRONT_TOKEN' },
];

let cluster: Cluster;
let sandbox: Sandbox;

beforeAll(async () => {
  cluster = await useCluster();
  sandbox = await startCheckedSandbox({ rateLimits: false });
}, 900_000);

afterAll(async () => {
  await sandbox.close();
});

// A deterministic generator, so a failing run can be replayed with the same seed.
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const active = (platform: PlatformName): InventoryEntry[] => sandbox.inventory(platform).filter((e) => e.state === 'active');

type InDoubtEvent = KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } };

/**
 * matchOrphans pairs each live token the Secret does not hold with a CreateInDoubt
 * event of its own: the create the event reports started before the token landed
 * (within InDoubtWindowMs) and asked for the expiry it carries. No event serves two.
 */
function matchOrphans(orphans: readonly InventoryEntry[], events: readonly InDoubtEvent[]): { matched: InventoryEntry[]; unmatched: InventoryEntry[] } {
  const creates = events.flatMap((e) => {
    const m = /started at (\S+) got no answer.*?(?: at (\S+))?$/.exec(e.message ?? '');
    if (m?.[1] === undefined) return [];
    return [{ startedAt: Date.parse(m[1]), expiresAt: m[2] === undefined ? undefined : Date.parse(m[2]) }];
  });
  const used = new Set<number>();
  const matched: InventoryEntry[] = [];
  const unmatched: InventoryEntry[] = [];
  for (const orphan of [...orphans].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const created = Date.parse(orphan.createdAt);
    const expires = orphan.expiresAt === null ? undefined : Date.parse(orphan.expiresAt);
    const i = creates.findIndex((c, j) =>
      !used.has(j)
      && created >= Math.floor(c.startedAt / 1000) * 1000
      && created - c.startedAt <= InDoubtWindowMs
      && (c.expiresAt === undefined || expires === undefined || Math.abs(expires - c.expiresAt) <= InDoubtWindowMs));
    if (i < 0) {
      unmatched.push(orphan);
    } else {
      used.add(i);
      matched.push(orphan);
    }
  }
  return { matched, unmatched };
}

describe('crash safety under random kills', () => {
  it(`survives ${Kills} random SIGKILLs: nothing lost, nothing leaked, at most two live per resource`, async () => {
    const seed = Seed;
    const random = rng(seed);
    const replay = `replay: SFTOKEN_CRASH_SEED=${seed} SFTOKEN_CRASH_KILLS=${Kills}`;
    process.stderr.write(`[crash-loop] seed=${seed} (${replay})\n`);
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'crash-loop');
    const objects = resources.flatMap((r) => exampleObjects(r.platform, sandbox.url)).map((o) => {
      if (o.kind !== 'StorefrontToken') return o;
      const spec = o['spec'] as Record<string, unknown>;
      // Living an hour, so a leaked token is still live at the final check; rotated on request every other kill instead.
      if (spec['platform'] === 'cloudflare') return { ...o, spec: { ...spec, lifetime: { ttl: '1h' }, rotation: { overlap: '1s' } } };
      if (spec['platform'] === 'bigcommerce') return { ...o, spec: { ...spec, rotation: { renewBefore: '240h', overlap: '1s' } } };
      return o;
    });
    await applyIn(cluster, ns, objects);
    // Every distinct set of live token ids per platform, so the peak can leave out the orphans found at the end.
    const seen = new Map<PlatformName, Map<string, readonly string[]>>(resources.map((r) => [r.platform, new Map()]));
    const sampler = setInterval(() => {
      for (const r of resources) {
        const ids = active(r.platform).map((e) => e.id).sort();
        seen.get(r.platform)?.set(ids.join(','), ids);
      }
    }, 5);
    const progress = (line: string): void => {
      process.stderr.write(`[crash-loop seed=${seed}] ${line}\n`);
    };
    try {
      for (let i = 1; i <= Kills; i++) {
        if (i % 3 === 0) {
          const origin = i % 2 === 0 ? 'https://a.example.com' : 'https://b.example.com';
          await cluster.kube.mergePatch(tokenPath(ns, 'shop-storefront'), { spec: { bigcommerce: { allowedCorsOrigins: [origin] } } });
        }
        if (i % 4 === 0 && i < RevokeAt) {
          await cluster.kube.mergePatch(tokenPath(ns, 'nordic-storefront'), { spec: { avvyr: { allowedOrigins: [`https://m${i}.example.com`] } } });
        }
        if (i % 5 === 0) await cluster.kube.send('DELETE', secretPath(ns, 'catalog-sync-token'), undefined, undefined, [404]);
        if (i % 2 === 1) await cluster.kube.mergePatch(tokenPath(ns, 'edge-kv-reader'), { metadata: { annotations: { [RotateAnnotation]: `kill-${i}` } } });
        if (i === RevokeAt) await cluster.kube.mergePatch(tokenPath(ns, 'nordic-storefront'), { spec: { revoked: true } });
        const op = await spawnOperator(cluster.cp.kubeconfigPath, ns);
        await Promise.race([op.synced, op.exited]);
        await new Promise((r) => setTimeout(r, Math.round(random() * 600)));
        expect(await op.kill('SIGKILL')).toBe('SIGKILL');
        if (i % 10 === 0) progress(`${i}/${Kills} kills; active now: ${resources.map((r) => `${r.platform}=${active(r.platform).length}`).join(' ')}`);
      }
      const op = await spawnOperator(cluster.cp.kubeconfigPath, ns);
      let waiting = '';
      await waitFor('every token settled', async () => {
        for (const r of resources) {
          waiting = r.name;
          const t = await getToken(cluster, ns, r.name);
          const ok = r.platform === 'avvyr'
            ? condition(t, 'Revoked')?.status === 'True' && secretValue(await getSecret(cluster, ns, r.secret), r.key) === ''
            : condition(t, 'Ready')?.status === 'True' && t?.status?.previous === undefined;
          if (!ok) return false;
        }
        return true;
      }, 60_000).catch((error: unknown) => {
        throw new Error(`${waiting}: ${String(error)}\n${op.lines.slice(-10).join('\n')}`);
      }).finally(() => op.kill('SIGTERM'));
    } finally {
      clearInterval(sampler);
    }
    const events = await cluster.kube.list<InDoubtEvent>(`/api/v1/namespaces/${ns}/events`);
    for (const r of resources) {
      const value = secretValue(await getSecret(cluster, ns, r.secret), r.key);
      const live = active(r.platform);
      const inDoubt = events.items.filter((e) => e.reason === 'CreateInDoubt' && e.involvedObject?.name === r.name);
      const published = live.filter((e) => value !== undefined && value !== '' && fingerprint(value).startsWith(e.fingerprint));
      const orphans = live.filter((e) => !published.includes(e));
      progress(`${r.platform}: issued ${sandbox.inventory(r.platform).length}, live ${live.length}, CreateInDoubt events ${inDoubt.length}`);
      if (r.platform === 'avvyr') {
        expect(live, `${r.platform}: the revoked resource has nothing live (${replay})`).toEqual([]);
      } else {
        expect(published.length, `${r.platform}: the Secret holds a live token (${replay})`).toBe(1);
      }
      // Only creates whose answer died with the process, on platforms that cannot list, may linger, each with a CreateInDoubt
      // event of its own: matched by start time and expiry where they line up, the rest counted against the unused events.
      // The event follows the state write that keeps the same words as a note: a kill between the two loses the
      // event, never the note, so a durable note counts as the create's record too (one per create start).
      const state = JSON.parse(secretValue(await getSecret(cluster, ns, stateSecretName(r.name)), 'state') ?? '{}') as { notes?: string[] };
      const recorded = new Map<string, InDoubtEvent>();
      for (const message of [...inDoubt.map((e) => e.message ?? ''), ...(state.notes ?? [])].filter((m) => m.includes('got no answer'))) {
        recorded.set(/started at (\S+)/.exec(message)?.[1] ?? message, { apiVersion: 'v1', kind: 'Event', metadata: {}, reason: 'CreateInDoubt', message });
      }
      const allowance = capabilityTable[r.platform].list ? [] : [...recorded.values()];
      const { matched, unmatched } = matchOrphans(orphans, allowance);
      if (unmatched.length > 0) {
        progress(`${r.platform}: orphans not matched by time: ${unmatched.map((o) => `${o.id} created ${o.createdAt} expires ${o.expiresAt ?? '-'}`).join(', ')}; CreateInDoubt messages: ${allowance.map((e) => e.message ?? '').join(' | ')}`);
      }
      expect(unmatched.length, `${r.platform}: every live token besides the published one is an in-doubt create with its own CreateInDoubt event (${replay})`).toBeLessThanOrEqual(allowance.length - matched.length);
      const leftOut = new Set(orphans.map((o) => o.id));
      const peak = Math.max(0, ...[...(seen.get(r.platform)?.values() ?? [])].map((ids) => ids.filter((id) => !leftOut.has(id)).length));
      expect(peak, `${r.platform}: never more than two live tokens for the resource, in-doubt orphans aside (${replay})`).toBeLessThanOrEqual(2);
    }
  }, 900_000);
});
