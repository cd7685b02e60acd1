import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { installCrds, startControlPlane, type ControlPlane, type CrdManifest } from '../../controlplane/index.js';
import { adapterFor } from '../../core/platforms/registry.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { fingerprint } from '../../core/secret.js';
import { initScratchRepo, syncCommitted, TokenKinds, type ScratchRepo } from '../demo/gitops.js';
import { KubeClient, loadKubeConfig, type KubeObject, type SecretObject } from '../../kube/index.js';
import { createLogger } from '../../operator/runtime/logger.js';
import { runOperator, type RunningOperator } from '../../operator/main.js';
import { parseManifests, pointAt } from '../demo/manifests.js';
import { tokenPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import { useToken } from '../demo/token-use.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import type { Command } from './command.js';

const usage = `usage: sftoken demo [--keep]

Runs the whole story on this machine, on loopback only: the platform sandbox,
a local Kubernetes control plane (kube-apiserver, etcd, kube-controller-manager)
and the operator; applies examples/kubernetes/ through a scratch git repository
synced the way a GitOps agent does; shows each token Ready with its Secret;
proves a delivered token works; commits \`revoked: true\` and shows it revoked
and refused. Exits 0 only if every step held.

  --keep   leave everything running until Ctrl-C (prints the KUBECONFIG)
`;

// This file is cli/commands/demo.ts in the source tree and dist/cli/commands/demo.js compiled.
function repoRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes('/dist/') ? join(here, '..', '..', '..') : join(here, '..', '..');
}

const ExampleOrigin = 'http://127.0.0.1:18787';
const Namespace = 'shop';
const OperatorNamespace = 'storefront-token-system';

interface Story {
  step(line: string): void;
  ok(line: string): void;
  fail(line: string): void;
  readonly failures: number;
}

function story(): Story {
  let failures = 0;
  const out = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  return {
    step: (line) => {
      out(`\n${line}`);
    },
    ok: (line) => {
      out(`  ✓ ${line}`);
    },
    fail: (line) => {
      failures++;
      out(`  ✗ ${line}`);
    },
    get failures() {
      return failures;
    },
  };
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

const cond = (t: StorefrontTokenObject | undefined, type: string): string | undefined => t?.status?.conditions?.find((c) => c.type === type)?.status;
const decode = (s: SecretObject | undefined, key: string): string => Buffer.from(s?.data?.[key] ?? '', 'base64').toString('utf8');

interface World {
  sandbox?: Sandbox;
  cp?: ControlPlane;
  operator?: RunningOperator;
  dir?: string;
}

async function teardown(world: World): Promise<void> {
  await world.operator?.stop().catch(() => undefined);
  await world.cp?.stop().catch(() => undefined);
  await world.sandbox?.close().catch(() => undefined);
  if (world.dir !== undefined) await rm(world.dir, { recursive: true, force: true });
}

async function readExamples(root: string, sandboxUrl: string): Promise<Map<string, KubeObject[]>> {
  const dir = join(root, 'examples', 'kubernetes');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const out = new Map<string, KubeObject[]>();
  for (const f of files) out.set(f, pointAt(parseManifests(await readFile(join(dir, f), 'utf8')), ExampleOrigin, sandboxUrl));
  return out;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`).join('\n');
}

/** demoCommand is `sftoken demo`: the end-to-end story on the embedded default. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run sandbox + local control plane + operator end to end, with a GitOps revoke',
  async run(argv) {
    const { values } = parseArgs({ args: [...argv], options: { keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      process.stdout.write(usage);
      return 0;
    }
    const s = story();
    const world: World = {};
    const started = Date.now();
    try {
      await play(s, world, values.keep === true);
    } catch (error) {
      s.fail(`demo stopped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (values.keep !== true) await teardown(world);
    }
    process.stdout.write(`\n${s.failures === 0 ? '✓ all steps held' : `✗ ${s.failures} step(s) failed`} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return s.failures === 0 ? 0 : 1;
  },
};

async function play(s: Story, world: World, keep: boolean): Promise<void> {
  const root = repoRoot();
  world.dir = await mkdtemp(join(tmpdir(), 'sftoken-demo-'));
  s.step('1. Start the platform sandbox, a local Kubernetes control plane and the operator');
  const sandbox = await startSandbox();
  world.sandbox = sandbox;
  s.ok(`platform sandbox on ${sandbox.url} (BigCommerce, Cloudflare, WizCommerce, Avvyr token APIs)`);
  const cp = await startControlPlane();
  world.cp = cp;
  s.ok(`kube-apiserver, etcd and kube-controller-manager ready in ${(cp.startupMs / 1000).toFixed(1)} s at ${cp.server}`);
  const crdDir = join(root, 'crds');
  const crds = await Promise.all((await readdir(crdDir)).filter((f) => f.endsWith('.yaml')).map(async (f) => parse(await readFile(join(crdDir, f), 'utf8')) as CrdManifest));
  await installCrds(cp.kubeConfig(), crds);
  s.ok(`CRDs installed: ${crds.map((c) => c.metadata.name).join(', ')}`);
  const kube = new KubeClient(loadKubeConfig(cp.kubeconfigPath));
  for (const ns of [OperatorNamespace, Namespace]) await kube.send('POST', '/api/v1/namespaces', { metadata: { name: ns } }, undefined, [409]);
  const logPath = join(world.dir, 'operator.log');
  world.operator = await runOperator({
    adapterFor,
    kubeconfigPath: cp.kubeconfigPath,
    namespace: OperatorNamespace,
    healthPort: 0,
    pollIntervalMs: 600_000,
    log: createLogger({ destination: createWriteStream(logPath) }),
  });
  const operator = world.operator;
  await waitFor(() => Promise.resolve(operator.leading() ? true : undefined), 20_000);
  s.ok(`operator leading (Lease ${OperatorNamespace}/storefront-token-operator); metrics at ${operator.health?.url ?? ''}/metrics; JSON logs in ${logPath}`);

  s.step('2. Commit examples/kubernetes/ to a scratch git repository and sync it, as a GitOps agent does');
  const repoDir = join(world.dir, 'repo');
  await mkdir(repoDir);
  const repo = await initScratchRepo(repoDir);
  const examples = await readExamples(root, sandbox.url);
  for (const [file, objects] of examples) await writeFile(join(repoDir, file), objects.map((o) => stringify(o)).join('---\n'));
  const first = await repo.commit('Add one StorefrontToken per platform');
  const sync = (): ReturnType<typeof syncCommitted> => syncCommitted(kube, repoDir, { namespace: Namespace, source: 'demo', pruneKinds: TokenKinds });
  const synced = await sync();
  s.ok(`commit ${first} synced: ${synced.applied.length} objects server-side applied, ${synced.refused.length} refused`);

  s.step('3. Each token is issued at its platform and delivered into its Secret');
  const tokens = [...examples.values()].flat().filter((o) => o.kind === 'StorefrontToken');
  const connections = new Map([...examples.values()].flat().filter((o) => o.kind === 'PlatformConnection').map((o) => [o.metadata.name ?? '', (o['spec'] as { baseUrl: string }).baseUrl]));
  const ready = new Map<string, StorefrontTokenObject>();
  for (const t of tokens) {
    const name = t.metadata.name ?? '';
    const got = await waitFor(async () => {
      const x = await kube.get<StorefrontTokenObject>(tokenPath(Namespace, name));
      return cond(x, 'Ready') === 'True' ? x : undefined;
    }, 30_000);
    if (got === undefined) {
      s.fail(`${name} did not become Ready`);
      continue;
    }
    ready.set(name, got);
    const spec = storefrontTokenSpecSchema.parse(got.spec);
    s.ok(`${spec.platform.padEnd(11)} ${name} Ready → Secret ${spec.secret.name} (token ${got.status?.current?.fingerprint ?? ''}, ${got.status?.current?.expiresAt === undefined ? 'no expiry' : `expires ${got.status.current.expiresAt}`})`);
  }

  s.step('4. A delivered token works at the platform\'s token-use endpoint');
  for (const [name, t] of ready) {
    const spec = storefrontTokenSpecSchema.parse(t.spec);
    const value = decode(await kube.get<SecretObject>(secretPath(Namespace, spec.secret.name)), spec.secret.keys.token);
    const baseUrl = connections.get(spec.connectionRef?.name ?? '') ?? '';
    const used = await useToken(baseUrl, spec, value);
    if (used.status === 200 && fingerprint(value) === t.status?.current?.fingerprint) s.ok(`${name}: the value in Secret ${spec.secret.name} is accepted by ${used.endpoint} (HTTP ${used.status})`);
    else s.fail(`${name}: ${used.endpoint} answered ${used.status}`);
  }

  await revokeStory(s, { kube, sandbox, repo, sync, connections });
  await summary(s, kube, operator, sandbox, tokens.map((t) => t.metadata.name ?? ''));
  if (keep) {
    process.stdout.write(`\nLeft running. export KUBECONFIG=${cp.kubeconfigPath}   (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => {
      resolve();
    }));
    await teardown(world);
  }
}

interface RevokeDeps {
  readonly kube: KubeClient;
  readonly sandbox: Sandbox;
  readonly repo: ScratchRepo;
  readonly sync: () => ReturnType<typeof syncCommitted>;
  readonly connections: ReadonlyMap<string, string>;
}

async function revokeStory(s: Story, d: RevokeDeps): Promise<void> {
  const name = 'shop-storefront';
  const file = join(d.repo.dir, 'bigcommerce.yaml');
  const before = await d.kube.get<StorefrontTokenObject>(tokenPath(Namespace, name));
  const spec = storefrontTokenSpecSchema.parse(before?.spec);
  const value = decode(await d.kube.get<SecretObject>(secretPath(Namespace, spec.secret.name)), spec.secret.keys.token);
  const setRevoked = async (revoked: boolean): Promise<void> => {
    const objects = parseManifests(await readFile(file, 'utf8')).map((o) => (o.kind === 'StorefrontToken' ? { ...o, spec: { ...(o['spec'] as object), revoked } } : o));
    await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
  };

  s.step(`5. Commit \`revoked: true\` for ${name} and sync`);
  await setRevoked(true);
  const commit = await d.repo.commit(`Revoke ${name}`);
  const synced = await d.sync();
  s.ok(`commit ${commit} synced (${synced.refused.length} refused)`);
  const revoked = await waitFor(async () => {
    const t = await d.kube.get<StorefrontTokenObject>(tokenPath(Namespace, name));
    return cond(t, 'Revoked') === 'True' ? t : undefined;
  }, 20_000);
  if (revoked === undefined) s.fail(`${name} never reported Revoked`);
  else s.ok(`${name}: Ready=False, Revoked=True ("${revoked.status?.conditions?.find((c) => c.type === 'Revoked')?.message ?? ''}")`);
  const entry = d.sandbox.inventory('bigcommerce').find((e) => fingerprint(value).startsWith(e.fingerprint));
  if (entry?.state === 'revoked') s.ok(`the sandbox saw the revoke: token ${entry.fingerprint}… is ${entry.state} at BigCommerce`);
  else s.fail(`the sandbox shows the token as ${entry?.state ?? 'unknown'}`);
  const emptied = await waitFor(async () => (decode(await d.kube.get<SecretObject>(secretPath(Namespace, spec.secret.name)), spec.secret.keys.token) === '' ? true : undefined), 10_000);
  if (emptied === true) s.ok(`Secret ${spec.secret.name}: key ${spec.secret.keys.token} emptied`);
  else s.fail(`Secret ${spec.secret.name} still holds a value`);
  const used = await useToken(d.connections.get(spec.connectionRef?.name ?? '') ?? '', spec, value);
  if (used.status === 401 || used.status === 403) s.ok(`the revoked token is refused by ${used.endpoint} (HTTP ${used.status})`);
  else s.fail(`the revoked token got HTTP ${used.status}`);

  s.step('6. Commit `revoked: false` again: the API server refuses it, nothing is reissued');
  const issued = d.sandbox.inventory('bigcommerce').length;
  await setRevoked(false);
  const undo = await d.repo.commit(`Try to un-revoke ${name}`);
  const refused = await d.sync();
  const message = refused.refused.find((r) => r.object === `StorefrontToken/${name}`)?.message;
  if (message !== undefined) s.ok(`commit ${undo} refused by the API server: "${message.replace(/^.*?: /, '')}"`);
  else s.fail('the un-revoke was accepted');
  await new Promise((r) => setTimeout(r, 1000));
  if (d.sandbox.inventory('bigcommerce').length === issued) s.ok('no new token was issued');
  else s.fail('a new token was issued');
}

async function summary(s: Story, kube: KubeClient, operator: RunningOperator, sandbox: Sandbox, names: readonly string[]): Promise<void> {
  s.step('Summary (kubectl get sft -n shop)');
  const rows = [['NAME', 'PLATFORM', 'READY', 'REASON', 'SECRET', 'TOKEN', 'EXPIRES']];
  for (const name of names) {
    const t = await kube.get<StorefrontTokenObject>(tokenPath(Namespace, name));
    const ready = t?.status?.conditions?.find((c) => c.type === 'Ready');
    const spec = t?.spec as { platform?: string; secret?: { name?: string } } | undefined;
    rows.push([name, spec?.platform ?? '', ready?.status ?? '', ready?.reason ?? '', spec?.secret?.name ?? '', t?.status?.current?.fingerprint ?? '', t?.status?.current?.expiresAt ?? '-']);
  }
  process.stdout.write(`${table(rows)}\n`);
  const calls = await operator.metrics.platformCallCount();
  const writes = await operator.metrics.kubeWriteCount();
  const live = sandbox.inventory().filter((e) => e.state === 'active').length;
  process.stdout.write(`\n  platform calls ${calls}, API-server writes ${writes}, tokens live at the sandbox ${live}, revoked ${sandbox.inventory().filter((e) => e.state === 'revoked').length}\n`);
  if (live === names.length - 1) s.ok('every live token at the sandbox is one a Secret holds');
  else s.fail(`${live} tokens live at the sandbox, expected ${names.length - 1}`);
}
