// Benchmark: sftoken_storefront_token at scale with a real engine, the real
// sandbox and the real local control plane, against the peer a user would
// compare us with (issue 12 §5): a Go provider on terraform-plugin-framework
// with our exact schema, whose CRUD only stores the plan (bench/peer-provider).
// One run prints, for N resources in state:
//   1. apply of N creates with -parallelism=10: wall time, platform requests per resource;
//   2. plan -refresh=false, ours vs the Go peer (target ours/peer <= 1.3);
//   3. plan with refresh, ours (against the sandbox and the control plane) vs the Go peer;
//   4. start-to-handshake, ours vs the Go peer (target <= 2);
//   5. plan with N tokens vs plan with N terraform_data (built in: no plugin at all).
// Ours is the standalone executable a release ships. Runs of ours and of the
// peer take turns, so a busy machine slows both alike.
// Usage: npx tsx bench/terraform-tokens.ts [N=200] [platform=avvyr] [runs=5]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startControlPlane } from '../controlplane/index.js';
import { installStandalone } from '../provider/tooling/install.js';
import { resolveEngines } from '../provider/tooling/engines.js';
import { buildStandalone, hostPlatform } from '../provider/tooling/sea.js';
import { startSandbox } from '../sandbox/index.js';
import { peerSchema } from './peer-provider/schema.js';
import { buildPeer, handshakeEnv, median, PEER_NAME, timeToHandshake } from './terraform-peer.js';

const N = Number(process.argv[2] ?? 200);
const platform = process.argv[3] ?? 'avvyr';
const RUNS = Number(process.argv[4] ?? 5);
const HANDSHAKES = 15;
const root = mkdtempSync(join(tmpdir(), 'sftoken-bench-tf-'));
// Terraform, or an OpenTofu already built (a benchmark does not start a four-minute build).
const [engine] = (await resolveEngines({ buildOpenTofu: false })).engines;
if (engine === undefined) throw new Error('no terraform or tofu');
const host = hostPlatform();
if (host === undefined) throw new Error(`no standalone provider for ${process.platform} ${process.arch}`);
const sandbox = await startSandbox({ rateLimits: false });
const cp = await startControlPlane();

function run(dir: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(engine?.binary ?? 'terraform', [...args, '-no-color'], { cwd: dir, env: { ...process.env, ...env, HOME: dir, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${args.join(' ')} exited ${String(code)}: ${stderr.slice(-2000)}`));
    });
  });
}

// Wall and CPU time of one command: the engine's CPU plus that of its exited
// provider processes, sampled from /proc (no extra tool needed).
async function cpuOf(dir: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  // Fields 14-17 of /proc/<pid>/stat: the engine's own CPU, then its reaped children's (the providers).
  const ticks = (pid: number): [number, number] => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return [Number(fields[11]) + Number(fields[12]), Number(fields[13]) + Number(fields[14])];
    } catch {
      return [0, 0];
    }
  };
  const child = spawn(engine?.binary ?? 'terraform', [...args, '-no-color'], { cwd: dir, env: { ...process.env, ...env, HOME: dir, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' }, stdio: ['ignore', 'ignore', 'ignore'] });
  let last: [number, number] = [0, 0];
  const timer = setInterval(() => {
    if (child.pid === undefined) return;
    const [own, children] = ticks(child.pid);
    if (own + children >= last[0] + last[1]) last = [own, children];
  }, 5);
  const start = performance.now();
  await new Promise((resolve) => child.on('close', resolve));
  clearInterval(timer);
  const wall = (performance.now() - start) / 1000;
  return `${wall.toFixed(2)} s wall, CPU >= ${(last[0] / 100).toFixed(2)} s engine + ${(last[1] / 100).toFixed(2)} s providers`;
}

// Interleaved medians: run i of every variant before run i+1 of any.
async function interleaved(times: number, variants: readonly (() => Promise<number>)[]): Promise<number[]> {
  const samples = variants.map(() => [] as number[]);
  for (let i = 0; i < times; i++) for (const [v, f] of variants.entries()) samples[v]?.push(await f());
  return samples.map((s) => median(s));
}

function hcl(source: string, body: string): string {
  return `terraform {\n  required_providers {\n    sftoken = { source = "${source}", version = "0.1.0" }\n  }\n}\n${body}`;
}

try {
  const [standalone] = await buildStandalone({ platforms: [host] });
  if (standalone === undefined) throw new Error('buildStandalone returned no executable');
  const installed = installStandalone({ executable: standalone.path, root: join(root, 'install') });
  const p = sandbox.platforms;
  const env = {
    TF_CLI_CONFIG_FILE: installed.cliConfigPath,
    SFTOKEN_AVVYR_API_KEY: p.avvyr.apiKey,
    SFTOKEN_AVVYR_BASE_URL: p.avvyr.baseUrl,
    SFTOKEN_CLOUDFLARE_API_TOKEN: p.cloudflare.apiToken,
    SFTOKEN_CLOUDFLARE_BASE_URL: p.cloudflare.baseUrl,
  };
  const ns = `bench-${Date.now()}`;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's models are behaviour-free classes; its serializer takes plain objects.
  await cp.kubeConfig().makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
  const block =
    platform === 'cloudflare'
      ? `cloudflare = { account_id = "${p.cloudflare.accountId}", policies = [{ permission_groups = ["6f7dc1aa798e6c8e0ddf671c48386a3c"], resources = { "com.cloudflare.api.account.${p.cloudflare.accountId}" = "*" } }] }`
      : `avvyr = { tenant_id = "${p.avvyr.tenantId}", allowed_origins = ["https://shop.example.test"] }`;
  // The same configuration for ours and for the peer: the peer has our provider and resource schema.
  const config = hcl(
    installed.source,
    `provider "sftoken" {
  kubernetes { config_path = ${JSON.stringify(cp.kubeconfigPath)} }
  ${platform} { requests_per_second = 1000 }
}
resource "sftoken_storefront_token" "t" {
  count    = ${N}
  platform = "${platform}"
  ${block}
  secret   = { name = "t-\${count.index}", namespace = "${ns}" }
}
`,
  );
  const tokens = join(root, 'tokens');
  mkdirSync(tokens);
  writeFileSync(join(tokens, 'main.tf'), config);
  const data = join(root, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'main.tf'), `resource "terraform_data" "t" {\n  count = ${N}\n  input = "t-\${count.index}"\n}\n`);

  await run(tokens, ['init', '-input=false'], env);
  await run(data, ['init', '-input=false'], env);

  // The peer: built from our schema as this engine prints it, installed the same way under the same source.
  const schemaPath = join(root, 'peer-schema.json');
  // Written as schema.ts writes it, so the peer's cache key is the same whichever printed the schema.
  writeFileSync(schemaPath, `${JSON.stringify(peerSchema(engine.binary, tokens, { ...process.env, ...env, HOME: tokens }), null, 2)}\n`);
  const peerBinary = await buildPeer(schemaPath);
  const peerInstalled = installStandalone({ executable: peerBinary, root: join(root, 'peer-install') });
  const peerEnv = { ...env, TF_CLI_CONFIG_FILE: peerInstalled.cliConfigPath };
  const peer = join(root, 'peer');
  mkdirSync(peer);
  writeFileSync(join(peer, 'main.tf'), config);
  await run(peer, ['init', '-input=false'], peerEnv);

  sandbox.reset({ stats: true });
  const applyMs = await run(tokens, ['apply', '-auto-approve', '-input=false', '-parallelism=10'], env);
  const applyRequests = sandbox.stats().total;
  const peerApplyMs = await run(peer, ['apply', '-auto-approve', '-input=false', '-parallelism=10'], peerEnv);
  await run(data, ['apply', '-auto-approve', '-input=false', '-parallelism=10'], env);

  const plan = ['plan', '-input=false', '-detailed-exitcode'];
  const noRefresh = [...plan, '-refresh=false'];
  const [oursNoRefresh = Number.NaN, peerNoRefresh = Number.NaN] = await interleaved(RUNS, [() => run(tokens, noRefresh, env), () => run(peer, noRefresh, peerEnv)]);
  sandbox.reset({ stats: true });
  const [oursRefresh = Number.NaN, peerRefresh = Number.NaN, planData = Number.NaN] = await interleaved(RUNS, [
    () => run(tokens, plan, env),
    () => run(peer, plan, peerEnv),
    () => run(data, plan, env),
  ]);
  const planRequests = sandbox.stats().total / RUNS;
  const hsEnv = await handshakeEnv();
  for (const exe of [standalone.path, peerBinary]) await timeToHandshake(exe, [], hsEnv); // warm the OS file cache
  const [oursHandshake = Number.NaN, peerHandshake = Number.NaN] = await interleaved(HANDSHAKES, [() => timeToHandshake(standalone.path, [], hsEnv), () => timeToHandshake(peerBinary, [], hsEnv)]);
  const cpu = [
    await cpuOf(tokens, noRefresh, env),
    await cpuOf(peer, noRefresh, peerEnv),
    await cpuOf(tokens, plan, env),
    await cpuOf(peer, plan, peerEnv),
    await cpuOf(data, plan, env),
  ];
  // SFTOKEN_BENCH_PROFILE names a CommonJS file preloaded into every provider process (e.g. an inspector profiler).
  const profileDir = process.env.SFTOKEN_BENCH_PROFILE;
  if (profileDir !== undefined) await run(tokens, plan, { ...env, NODE_OPTIONS: `--require ${profileDir}` });

  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const row = (name: string, ours: number, theirs: number, unit: (ms: number) => string, target?: number): string => {
    const ratio = ours / theirs;
    const verdict = target === undefined ? '' : `  (target <= ${target.toFixed(1)}x: ${ratio <= target ? 'met' : 'MISSED'})`;
    return `  ${name.padEnd(26)} ours ${unit(ours).padStart(8)}   peer ${unit(theirs).padStart(8)}   ours/peer ${ratio.toFixed(2)}x${verdict}`;
  };
  const out = [
    `engine: ${engine.name} ${engine.version}; platform: ${platform}; N = ${N}; medians of ${RUNS} runs (handshake: ${HANDSHAKES}), ours and the peer interleaved`,
    `ours: standalone executable (${host}, ${(standalone.size / 1e6).toFixed(0)} MB); peer: ${PEER_NAME}`,
    `apply ${N} creates, -parallelism=10: ours ${s(applyMs)} wall, ${(applyRequests / N).toFixed(2)} platform requests per resource (${applyRequests} total); peer ${s(peerApplyMs)}`,
    `with ${N} resources in state:`,
    row('plan -refresh=false', oursNoRefresh, peerNoRefresh, s, 1.3),
    row('plan (refresh on)', oursRefresh, peerRefresh, s),
    row('start-to-handshake', oursHandshake, peerHandshake, (ms) => `${ms.toFixed(0)} ms`, 2),
    `  ours refreshing: ${(planRequests / N).toFixed(2)} platform requests per resource (sandbox) and the Secrets from the local control plane; the peer refreshes nothing`,
    `plan with ${N} terraform_data (built in, no plugin): ${s(planData)}; ratio tokens / terraform_data ${(oursRefresh / planData).toFixed(2)} (refresh on), ${(oursNoRefresh / planData).toFixed(2)} (refresh off)`,
    `one more run each: plan -refresh=false ours ${cpu[0]}; peer ${cpu[1]}`,
    `                   plan ours ${cpu[2]}; peer ${cpu[3]}; terraform_data ${cpu[4]}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  await run(tokens, ['destroy', '-auto-approve', '-input=false', '-parallelism=10'], env);
} finally {
  await sandbox.close();
  await cp.stop();
  rmSync(root, { recursive: true, force: true });
}
