import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../core/secret.js';
import { secretPath, type KubeObject } from '../../kube/index.js';
import { tokenPath } from '../../operator/names.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, repoRoot, secretValue, shareWorld, startOperatorIn, waitFor, waitReady, type Captured, type Cluster } from './world.js';

// Rotate now, leak response and pause, driven the way a user would: the
// annotations written as `kubectl annotate` writes them, `sftoken rotate`
// and `kubectl sftoken rotate` run as processes, and the sandbox's
// inventory checked for which tokens are valid when.

const run = promisify(execFile);

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

const annotate = (ns: string, annotations: Record<string, string | null>): Promise<unknown> => cluster.kube.mergePatch(tokenPath(ns, name), { metadata: { annotations } });
const token = (ns: string): Promise<StorefrontTokenObject | undefined> => getToken(cluster, ns, name);
const stateOf = (fp: string): string | undefined => sandbox.inventory('cloudflare').find((e) => fp.startsWith(e.fingerprint))?.state;
const issued = (): number => sandbox.inventory('cloudflare').length;

function example(overlap: string): KubeObject[] {
  return exampleObjects('cloudflare', sandbox.url).map((o) => (o.kind === 'StorefrontToken' ? { ...o, spec: { ...(o['spec'] as Record<string, unknown>), rotation: { overlap } } } : o));
}

/** sftoken runs the built CLI as a user would (bin/sftoken.js, or bin/kubectl-sftoken through kubectl). */
async function sftoken(args: readonly string[], via: 'sftoken' | 'kubectl' = 'sftoken'): Promise<string> {
  const env = { ...process.env, KUBECONFIG: cluster.cp.kubeconfigPath, PATH: `${join(repoRoot, 'bin')}:${process.env['PATH'] ?? ''}` };
  const [file, argv] = via === 'kubectl' ? ['kubectl', ['sftoken', ...args]] as const : [process.execPath, [join(repoRoot, 'bin', 'sftoken.js'), ...args]] as const;
  const { stdout } = await run(file, [...argv], { env, cwd: repoRoot, timeout: 60_000 });
  return stdout;
}

async function acted(ns: string, request: string | RegExp): Promise<StorefrontTokenObject> {
  return waitFor(`rotate request ${String(request)} acted on`, async () => {
    const t = await token(ns);
    const last = t?.status?.lastRotateRequest;
    return last !== undefined && (typeof request === 'string' ? last === request : request.test(last)) && condition(t, 'Ready')?.status === 'True' ? t : undefined;
  });
}

async function published(ns: string): Promise<string> {
  return fingerprint(secretValue(await getSecret(cluster, ns, secretName), key) ?? '');
}

const cases: { name: string; reason: string; run: (ctx: Ctx) => Promise<void> }[] = [
  {
    name: 'RotateAnnotation',
    reason: 'a new sftoken.dev/rotate value issues a new token, keeps the old one valid for the overlap, and is acted on once',
    async run({ ns, captured }) {
      await applyIn(cluster, ns, example('3s'));
      const first = await waitReady(cluster, ns, name);
      const old = first.status?.current?.fingerprint ?? '';
      await annotate(ns, { 'sftoken.dev/rotate': 'r1' });
      const during = await acted(ns, 'r1');
      const next = during.status?.current?.fingerprint ?? '';
      expect(next).not.toBe(old);
      expect(await published(ns)).toBe(next);
      expect(during.status?.previous?.fingerprint, 'old token kept for the overlap').toBe(old);
      expect(stateOf(old), 'old token valid during the overlap').toBe('active');
      expect(stateOf(next)).toBe('active');
      const after = await waitFor('overlap ended', async () => {
        const t = await token(ns);
        return t?.status?.previous === undefined && t?.status?.history?.[0]?.fingerprint === old ? t : undefined;
      });
      expect(after.status?.history?.[0]?.reason).toBe('Requested');
      expect(stateOf(old)).toBe('revoked');
      expect(captured.events.some((e) => e.startsWith('Normal Rotated') && e.includes('(Requested)'))).toBe(true);
      // The same value again (any other metadata change wakes the operator) does nothing.
      const count = issued();
      await annotate(ns, { 'example.com/touched': 'yes' });
      await new Promise((r) => setTimeout(r, 2000));
      expect(issued(), 'acted on once per distinct value').toBe(count);
      expect((await token(ns))?.status?.current?.fingerprint).toBe(next);
    },
  },
  {
    name: 'RotateCli',
    reason: '`sftoken rotate NAME -n NS --wait` and `kubectl sftoken rotate` each rotate once, with overlap',
    async run({ ns }) {
      await applyIn(cluster, ns, example('10m'));
      const first = await waitReady(cluster, ns, name);
      const old = first.status?.current?.fingerprint ?? '';
      const out = await sftoken(['rotate', name, '-n', ns, '--wait']);
      expect(out).toMatch(/rotation requested \(sftoken\.dev\/rotate=/);
      const t = await acted(ns, /./);
      expect(t.status?.current?.fingerprint).not.toBe(old);
      expect(t.status?.previous?.fingerprint).toBe(old);
      expect(stateOf(old), 'overlap kept').toBe('active');
      const request = t.status?.lastRotateRequest ?? '';
      // kubectl finds bin/kubectl-sftoken on PATH; a second rotation first ends the first overlap.
      await sftoken(['rotate', name, '-n', ns], 'kubectl');
      const again = await waitFor('second rotation', async () => {
        const x = await token(ns);
        return x?.status?.lastRotateRequest !== request && x?.status?.previous?.fingerprint === t.status?.current?.fingerprint ? x : undefined;
      });
      expect(stateOf(old), 'at most two valid: the first predecessor revoked').toBe('revoked');
      expect(again.status?.history?.[0]).toMatchObject({ fingerprint: old, reason: 'Requested' });
      await expect(sftoken(['rotate', 'no-such-token', '-n', ns])).rejects.toThrow(/not found/);
    },
  },
  {
    name: 'LeakResponse',
    reason: '`sftoken rotate --revoke-previous-now` publishes a new token and revokes the old one at once, with a Warning event and a Leaked history entry',
    async run({ ns, captured }) {
      await applyIn(cluster, ns, example('10m'));
      const first = await waitReady(cluster, ns, name);
      const old = first.status?.current?.fingerprint ?? '';
      await sftoken(['rotate', name, '-n', ns, '--revoke-previous-now', '--wait']);
      const t = await waitFor('old token revoked', async () => {
        const x = await token(ns);
        return x?.status?.previous === undefined && x?.status?.history?.[0]?.fingerprint === old ? x : undefined;
      }, 10_000);
      const next = t.status?.current?.fingerprint ?? '';
      expect(next).not.toBe(old);
      expect(t.status?.history?.[0]?.reason).toBe('Leaked');
      expect(stateOf(old), 'revoked at once, not after the 10m overlap').toBe('revoked');
      expect(stateOf(next)).toBe('active');
      expect(await published(ns)).toBe(next);
      const secret = await getSecret(cluster, ns, secretName);
      expect(Object.keys(secret?.data ?? {}).some((k) => k.toLowerCase().includes('previous')), 'no fallback to the leaked value').toBe(false);
      expect(captured.events.find((e) => e.startsWith('Warning LeakResponse'))).toContain(old);
      // The annotation form: the same, declaratively.
      await annotate(ns, { 'sftoken.dev/rotate': 'leak-2', 'sftoken.dev/revoke-previous-now': 'true' });
      await acted(ns, 'leak-2');
      await waitFor('second leaked token revoked', () => stateOf(next) === 'revoked', 10_000);
      expect((await token(ns))?.status?.history?.[0]).toMatchObject({ fingerprint: next, reason: 'Leaked' });
    },
  },
  {
    name: 'PausedNoRepair',
    reason: 'sftoken.dev/paused stops repair and rotation (Synced=False, Paused); removing it catches up; revoked: true still revokes',
    async run({ ns }) {
      await applyIn(cluster, ns, example('10m'));
      const first = await waitReady(cluster, ns, name);
      const old = first.status?.current?.fingerprint ?? '';
      await annotate(ns, { 'sftoken.dev/paused': 'true' });
      const paused = await waitFor('Synced=False Paused', async () => {
        const t = await token(ns);
        return condition(t, 'Synced')?.reason === 'Paused' ? t : undefined;
      });
      expect(condition(paused, 'Synced')?.status).toBe('False');
      expect(condition(paused, 'Ready')?.status, 'what is published still works').toBe('True');
      const count = issued();
      await cluster.kube.send('DELETE', secretPath(ns, secretName));
      await annotate(ns, { 'sftoken.dev/rotate': 'while-paused' });
      await new Promise((r) => setTimeout(r, 2500));
      expect(await getSecret(cluster, ns, secretName), 'not repaired while paused').toBeUndefined();
      expect(issued(), 'not rotated while paused').toBe(count);
      const still = await token(ns);
      expect(condition(still, 'Synced')?.reason).toBe('Paused');
      expect(condition(still, 'Ready')?.status, 'Secret gone: not Ready').toBe('False');
      // Unpaused: the Secret comes back and the request made meanwhile is acted on.
      await annotate(ns, { 'sftoken.dev/paused': null });
      const resumed = await acted(ns, 'while-paused');
      expect(resumed.status?.previous?.fingerprint).toBe(old);
      expect(await published(ns)).toBe(resumed.status?.current?.fingerprint);
      expect(condition(resumed, 'Synced')?.status).toBe('True');
      // Paused again, revoked: true still revokes both tokens.
      await annotate(ns, { 'sftoken.dev/paused': 'true' });
      await cluster.kube.mergePatch(tokenPath(ns, name), { spec: { revoked: true } });
      await waitFor('revoked while paused', async () => condition(await token(ns), 'Revoked')?.status === 'True');
      expect(stateOf(old)).toBe('revoked');
      expect(stateOf(resumed.status?.current?.fingerprint ?? '')).toBe('revoked');
    },
  },
  {
    name: 'PausedDeletionRevokes',
    reason: 'deleting a paused token with deletionPolicy Revoke still revokes it',
    async run({ ns }) {
      await applyIn(cluster, ns, example('10m'));
      const first = await waitReady(cluster, ns, name);
      await annotate(ns, { 'sftoken.dev/paused': 'true' });
      await waitFor('paused', async () => condition(await token(ns), 'Synced')?.reason === 'Paused');
      await cluster.kube.send('DELETE', tokenPath(ns, name));
      await waitFor('token gone', async () => (await token(ns)) === undefined);
      expect(stateOf(first.status?.current?.fingerprint ?? '')).toBe('revoked');
    },
  },
  {
    name: 'RenewalWindow',
    reason: 'with rotation.windows, status.renewAt is the next window opening after the renewal falls due, not the due time itself',
    async run({ ns }) {
      // Due 8h to 9.6h after issue (40h before a 48h expiry, plus jitter); urgent at 28h; the one-hour daily window opens 15 to 16h after now.
      const hour = (new Date().getUTCHours() + 16) % 24;
      await applyIn(cluster, ns, exampleObjects('cloudflare', sandbox.url).map((o) => (o.kind === 'StorefrontToken'
        ? { ...o, spec: { ...(o['spec'] as Record<string, unknown>), lifetime: { ttl: '48h' }, rotation: { renewBefore: '40h', windows: [{ startHour: hour, endHour: hour + 1 }] } } }
        : o)));
      const t = await waitReady(cluster, ns, name);
      const renewAt = new Date(t.status?.renewAt ?? '');
      const issuedAt = Date.parse(t.status?.current?.issuedAt ?? '');
      expect(renewAt.getUTCHours()).toBe(hour);
      expect(renewAt.getUTCMinutes()).toBe(0);
      expect(renewAt.getTime() - issuedAt).toBeGreaterThan(12 * 3_600_000);
      expect(renewAt.getTime() - issuedAt).toBeLessThan(17 * 3_600_000);
    },
  },
];

describe('operator: rotate now, leak response, pause', () => {
  it.each(cases)('$name: $reason', async ({ run: body, name: row }) => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), `op-${row.toLowerCase().slice(0, 20)}`);
    const { operator, captured } = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    try {
      await body({ ns, captured });
    } finally {
      await operator.stop();
    }
  }, 90_000);
});

