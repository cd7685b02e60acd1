// Benchmark: sftoken_storefront_token at scale with a real engine, the real
// sandbox and the real local control plane.
//   1. apply of N creates with -parallelism=10: wall time, platform requests per resource;
//   2. plan with N tokens in state vs plan with N terraform_data resources (target ratio <= 1.5).
// Usage: npx tsx bench/terraform-tokens.ts [N=200] [platform=avvyr]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startControlPlane } from '../controlplane/index.js';
import { buildProvider } from '../provider/tooling/build.js';
import { installProvider } from '../provider/tooling/install.js';
import { resolveEngines } from '../provider/tooling/engines.js';
import { startSandbox } from '../sandbox/index.js';

const N = Number(process.argv[2] ?? 200);
const platform = process.argv[3] ?? 'avvyr';
const root = mkdtempSync(join(tmpdir(), 'sftoken-bench-tf-'));
const [engine] = (await resolveEngines()).engines;
if (engine === undefined) throw new Error('no terraform or tofu');
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

async function median(times: number, f: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await f());
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

try {
  const built = await buildProvider({ outDir: join(root, 'build') });
  const installed = installProvider({ built, root: join(root, 'install') });
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
  const tokens = join(root, 'tokens');
  mkdirSync(tokens);
  writeFileSync(
    join(tokens, 'main.tf'),
    `terraform {
  required_providers {
    sftoken = { source = "storefront-token/sftoken", version = "0.1.0" }
  }
}
provider "sftoken" {
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
  const data = join(root, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'main.tf'), `resource "terraform_data" "t" {\n  count = ${N}\n  input = "t-\${count.index}"\n}\n`);

  await run(tokens, ['init', '-input=false'], env);
  await run(data, ['init', '-input=false'], env);
  sandbox.reset({ stats: true });
  const applyMs = await run(tokens, ['apply', '-auto-approve', '-input=false', '-parallelism=10'], env);
  const applyRequests = sandbox.stats().total;
  await run(data, ['apply', '-auto-approve', '-input=false', '-parallelism=10'], env);

  sandbox.reset({ stats: true });
  const planTokens = await median(3, () => run(tokens, ['plan', '-input=false', '-detailed-exitcode'], env));
  const planRequests = sandbox.stats().total / 3;
  const planNoRefresh = await median(3, () => run(tokens, ['plan', '-input=false', '-refresh=false', '-detailed-exitcode'], env));
  const planData = await median(3, () => run(data, ['plan', '-input=false', '-detailed-exitcode'], env));
  const cpu = [await cpuOf(tokens, ['plan', '-input=false', '-refresh=false'], env), await cpuOf(tokens, ['plan', '-input=false'], env), await cpuOf(data, ['plan', '-input=false'], env)];
  // SFTOKEN_BENCH_PROFILE names a CommonJS file preloaded into every provider process (e.g. an inspector profiler).
  const profileDir = process.env.SFTOKEN_BENCH_PROFILE;
  if (profileDir !== undefined) await run(tokens, ['plan', '-input=false'], { ...env, NODE_OPTIONS: `--require ${profileDir}` });

  const out = [
    `engine: ${engine.name} ${engine.version}; platform: ${platform}; N = ${N}`,
    `apply ${N} creates, -parallelism=10: ${(applyMs / 1000).toFixed(2)} s wall, ${(applyRequests / N).toFixed(2)} platform requests per resource (${applyRequests} total)`,
    `plan with ${N} tokens in state: ${(planTokens / 1000).toFixed(2)} s (median of 3), ${(planRequests / N).toFixed(2)} platform requests per resource`,
    `plan -refresh=false with ${N} tokens in state: ${(planNoRefresh / 1000).toFixed(2)} s (median of 3)`,
    `plan with ${N} terraform_data: ${(planData / 1000).toFixed(2)} s (median of 3)`,
    `ratio tokens / terraform_data: ${(planTokens / planData).toFixed(2)} (target <= 1.5)`,
    `one more run each: plan -refresh=false ${cpu[0]}; plan ${cpu[1]}; terraform_data plan ${cpu[2]}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  await run(tokens, ['destroy', '-auto-approve', '-input=false', '-parallelism=10'], env);
} finally {
  await sandbox.close();
  await cp.stop();
  rmSync(root, { recursive: true, force: true });
}
