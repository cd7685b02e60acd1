import { describe, expect, it } from 'vitest';
import { useToken } from '../../cli/demo/token-use.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { fingerprint } from '../../core/secret.js';
import type { KubeObject } from '../../kube/index.js';
import { tokenPath } from '../../operator/names.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import { restartAnnotation, type Workload } from '../../operator/reconcile/rollout.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { createWorkload as create, finishRollout as finish, getWorkload, startRollout as start, type WorkloadKind } from './rollout-workloads.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, secretValue, shareWorld, startOperatorIn, waitFor, waitReady, type Captured, type Cluster } from './world.js';

// Restart consumers, then retire the old token (spec.rolloutRestartTargets),
// driven as a user would: workloads created through the API, a rotation
// asked for with the sftoken.dev/rotate annotation, and the old token tried
// at the sandbox's token-use endpoint. The local control plane runs no
// deployment controller and no kubelet, so the test plays them: it writes
// each workload's status subresource the way the controller reports a
// finished rollout, and checks that revocation waits for exactly that.

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

interface Ctx {
  readonly ns: string;
  readonly captured: Captured;
}

const name = 'edge-kv-reader';
const secretName = 'edge-kv-reader-token';
const key = 'CLOUDFLARE_API_TOKEN';
const mark = restartAnnotation(name);

const token = (ns: string): Promise<StorefrontTokenObject | undefined> => getToken(cluster, ns, name);
const stateOf = (fp: string): string | undefined => sandbox.inventory('cloudflare').find((e) => fp.startsWith(e.fingerprint))?.state;
const workload = (ns: string, kind: WorkloadKind, n: string): Promise<Workload | undefined> => getWorkload(cluster.kube, ns, kind, n);
const createWorkload = (ns: string, kind: WorkloadKind, n: string, replicas: number): Promise<void> => create(cluster.kube, ns, kind, n, replicas);
const finishRollout = (ns: string, kind: WorkloadKind, n: string): Promise<void> => finish(cluster.kube, ns, kind, n);
const startRollout = (ns: string, kind: WorkloadKind, n: string): Promise<void> => start(cluster.kube, ns, kind, n);

function example(overlap: string, targets: readonly { kind: string; name: string }[]): KubeObject[] {
  return exampleObjects('cloudflare', sandbox.url).map((o) => (o.kind === 'StorefrontToken'
    ? { ...o, spec: { ...(o['spec'] as Record<string, unknown>), rotation: { overlap }, rolloutRestartTargets: targets } }
    : o));
}

async function works(ns: string, value: string): Promise<boolean> {
  const spec = storefrontTokenSpecSchema.parse((await token(ns))?.spec);
  const baseUrl = (exampleObjects('cloudflare', sandbox.url).find((o) => o.kind === 'PlatformConnection')?.['spec'] as { baseUrl: string }).baseUrl;
  return (await useToken(baseUrl, spec, value)).status === 200;
}

async function firstValue(ns: string): Promise<{ value: string; fp: string }> {
  await waitReady(cluster, ns, name);
  const value = secretValue(await getSecret(cluster, ns, secretName), key) ?? '';
  return { value, fp: fingerprint(value) };
}

async function rotate(ns: string, request: string, leak = false): Promise<StorefrontTokenObject> {
  await cluster.kube.mergePatch(tokenPath(ns, name), { metadata: { annotations: { 'sftoken.dev/rotate': request, ...(leak ? { 'sftoken.dev/revoke-previous-now': 'true' } : {}) } } });
  return waitFor(`rotation ${request} restarted the targets`, async () => {
    const t = await token(ns);
    return t?.status?.lastRotateRequest === request && t.status.rollout?.restartedAt !== undefined ? t : undefined;
  });
}

const cases: { name: string; reason: string; run: (ctx: Ctx) => Promise<void> }[] = [
  {
    name: 'WaitsForRollout',
    reason: 'a rotation restarts every target once, keeps the previous token working until every target reports rolled out, then revokes it before the overlap ends',
    async run({ ns, captured }) {
      await createWorkload(ns, 'Deployment', 'web', 2);
      await createWorkload(ns, 'StatefulSet', 'db', 2);
      await applyIn(cluster, ns, example('10m', [{ kind: 'Deployment', name: 'web' }, { kind: 'StatefulSet', name: 'db' }]));
      const old = await firstValue(ns);
      expect((await workload(ns, 'Deployment', 'web'))?.metadata.generation, 'the first issue restarts nothing').toBe(1);

      const rotated = await rotate(ns, 'r1');
      const next = rotated.status?.current?.fingerprint ?? '';
      expect(next).not.toBe(old.fp);
      for (const [kind, n] of [['Deployment', 'web'], ['StatefulSet', 'db']] as const) {
        const w = await workload(ns, kind, n);
        expect(w?.metadata.generation, `${kind}/${n} restarted once`).toBe(2);
        expect(w?.spec?.template?.metadata?.annotations?.[mark], 'marked with the new token').toBe(next);
        expect(w?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
      }
      expect(condition(await token(ns), 'RolledOut')).toMatchObject({ status: 'False', reason: 'RollingOut' });

      // Mid-rollout, repeated reconciles and an operator restart: no second restart, the old token still works.
      await startRollout(ns, 'Deployment', 'web');
      await finishRollout(ns, 'StatefulSet', 'db');
      await cluster.kube.mergePatch(tokenPath(ns, name), { metadata: { annotations: { 'example.com/touched': 'yes' } } });
      const waiting = await waitFor('only web still rolling out', async () => {
        const t = await token(ns);
        const states = Object.fromEntries((t?.status?.rollout?.targets ?? []).map((x) => [`${x.kind}/${x.name}`, x.state]));
        return states['Deployment/web'] === 'RollingOut' && states['StatefulSet/db'] === 'RolledOut' ? t : undefined;
      });
      expect(condition(waiting, 'RolledOut')?.message).toContain('Deployment/web');
      expect(waiting.status?.previous?.fingerprint, 'previous kept while a target rolls out').toBe(old.fp);
      await new Promise((r) => setTimeout(r, 2500));
      expect(stateOf(old.fp)).toBe('active');
      expect(await works(ns, old.value), 'the previous token still works at the platform').toBe(true);
      expect((await workload(ns, 'Deployment', 'web'))?.metadata.generation, 'never restarted twice for one rotation').toBe(2);

      // The deployment controller reports web rolled out: the previous token goes, long before the 10m overlap.
      await finishRollout(ns, 'Deployment', 'web');
      const done = await waitFor('previous revoked after the rollout', async () => {
        const t = await token(ns);
        return t?.status?.previous === undefined && t?.status?.history?.[0]?.fingerprint === old.fp ? t : undefined;
      }, 10_000);
      expect(condition(done, 'RolledOut')).toMatchObject({ status: 'True', reason: 'RolledOut' });
      expect(stateOf(old.fp)).toBe('revoked');
      expect(await works(ns, old.value)).toBe(false);
      expect(captured.events.filter((e) => e.startsWith('Normal RestartedConsumers')), 'one batch').toHaveLength(1);
      expect(captured.events.some((e) => e.startsWith('Normal RevokedPrevious'))).toBe(true);
      expect((await workload(ns, 'StatefulSet', 'db'))?.metadata.generation).toBe(2);
    },
  },
  {
    name: 'HardLimit',
    reason: 'a target that never finishes rolling out does not keep the previous token alive past the overlap',
    async run({ ns }) {
      await createWorkload(ns, 'Deployment', 'stuck', 1);
      await applyIn(cluster, ns, example('8s', [{ kind: 'Deployment', name: 'stuck' }, { kind: 'Deployment', name: 'not-there' }]));
      const old = await firstValue(ns);
      const rotated = await rotate(ns, 'r1');
      expect(rotated.status?.rollout?.targets.find((t) => t.name === 'not-there')?.state).toBe('NotFound');
      expect(stateOf(old.fp), 'kept while the overlap runs').toBe('active');
      const revoked = await waitFor('previous revoked at the overlap end', async () => {
        const t = await token(ns);
        return t?.status?.previous === undefined && t?.status?.history?.[0]?.fingerprint === old.fp ? t : undefined;
      }, 20_000);
      expect(stateOf(old.fp)).toBe('revoked');
      expect(Date.parse(revoked.status?.history?.[0]?.retiredAt ?? '') - Date.parse(revoked.status?.current?.issuedAt ?? ''), 'revoked at the hard limit, not before').toBeGreaterThanOrEqual(7000);
      expect(condition(revoked, 'RolledOut')).toMatchObject({ status: 'False', reason: 'RollingOut' });
      expect((await workload(ns, 'Deployment', 'stuck'))?.metadata.generation).toBe(2);
    },
  },
  {
    name: 'LeakRestarts',
    reason: 'a leak response revokes the old token at once, without waiting for any rollout, and still restarts the targets',
    async run({ ns, captured }) {
      await createWorkload(ns, 'Deployment', 'web', 1);
      await applyIn(cluster, ns, example('10m', [{ kind: 'Deployment', name: 'web' }]));
      const old = await firstValue(ns);
      const t = await rotate(ns, 'leak-1', true);
      expect(stateOf(old.fp), 'revoked at once').toBe('revoked');
      expect(t.status?.history?.[0]).toMatchObject({ fingerprint: old.fp, reason: 'Leaked' });
      const w = await workload(ns, 'Deployment', 'web');
      expect(w?.spec?.template?.metadata?.annotations?.[mark]).toBe(t.status?.current?.fingerprint);
      expect(w?.metadata.generation).toBe(2);
      expect(captured.events.some((e) => e.startsWith('Warning LeakResponse'))).toBe(true);
    },
  },
];

describe('operator: restart consumers, then retire the old token', () => {
  it.each(cases)('$name: $reason', async ({ run: body, name: row }) => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), `op-rollout-${row.toLowerCase().slice(0, 16)}`);
    const { operator, captured } = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    try {
      await body({ ns, captured });
    } finally {
      await operator.stop();
    }
  }, 90_000);
});
