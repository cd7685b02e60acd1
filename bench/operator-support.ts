import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { installCrds, startControlPlane, type ControlPlane, type CrdManifest } from '../controlplane/index.js';
import { freeLoopbackPort } from '../controlplane/ports.js';
import { KubeClient, loadKubeConfig } from '../kube/index.js';

// Shared plumbing of the operator benchmarks: a fresh control plane with the
// CRDs, the operator as a child process (so its memory is its own), and its
// Prometheus metrics read back over HTTP.

/** repoRoot is the repository root. */
export const repoRoot = join(import.meta.dirname, '..');

/** progress prints one progress line to stderr; figures go to stdout. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** BenchCluster is a control plane with our CRDs installed and an admin client. */
export interface BenchCluster {
  readonly cp: ControlPlane;
  readonly kube: KubeClient;
}

/** startBenchCluster starts a dedicated control plane and installs the CRDs. */
export async function startBenchCluster(): Promise<BenchCluster> {
  const cp = await startControlPlane({ onProgress: (l) => { progress(l); } });
  const dir = join(repoRoot, 'crds');
  const crds = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.yaml')).map(async (f) => parse(await readFile(join(dir, f), 'utf8')) as CrdManifest));
  await installCrds(cp.kubeConfig(), crds);
  return { cp, kube: new KubeClient(loadKubeConfig(cp.kubeconfigPath), { maxSockets: 64 }) };
}


/** OperatorChild is `sftoken operator` in a child process with its metrics port. */
export interface OperatorChild {
  readonly child: ChildProcess;
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

// The operator runs as plain JavaScript, as deployed (not under the tsx
// loader, whose transform cache would count as operator memory): the CLI is
// bundled once with esbuild, with packages left to node_modules.
async function bundleCli(): Promise<string> {
  const out = join(repoRoot, 'node_modules', '.cache', 'sftoken-bench', 'sftoken.mjs');
  await build({ entryPoints: [join(repoRoot, 'cli', 'main.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', outfile: out, logLevel: 'warning' });
  return out;
}

/** spawnOperator starts the operator CLI against the cluster and resolves once its caches are synced. */
export async function spawnOperator(cluster: BenchCluster, args: readonly string[] = []): Promise<OperatorChild> {
  const port = await freeLoopbackPort();
  const entry = await bundleCli();
  const child = spawn(process.execPath, [entry, 'operator',
    '--kubeconfig', cluster.cp.kubeconfigPath, '--namespace', 'default', '--health-addr', `127.0.0.1:${port}`, '--log-level', 'warn', ...args], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    resolve();
  }));
  createInterface({ input: child.stderr }).on('line', (l) => {
    progress(`operator: ${l}`);
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (l) => {
    if (l.includes('"level":50')) progress(`operator: ${l}`);
  });
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  for (let i = 0; i < 300; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    metricsUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** metricSum adds every sample of one metric whose labels match. */
export async function metricSum(url: string, name: string, match: (labels: string) => boolean = () => true): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line);
    if (m?.[1] !== name) continue;
    if (!match(m[2] ?? '')) continue;
    sum += Number(m[3]);
  }
  return sum;
}

/** percentile reads the p-th percentile (0..100) of samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** pool runs tasks with at most `concurrency` at once. */
export async function pool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (item !== undefined) await task(item, i);
    }
  });
  await Promise.all(workers);
}
