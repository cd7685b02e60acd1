// Benchmark: provider process start to go-plugin handshake line (what every
// Terraform phase pays 3-4 times): the standalone executable a release ships
// beside the repository's launcher, bundled vs unbundled, with AutoMTLS on as
// Terraform runs it. Variants take turns run by run, so a busy machine slows
// them alike. Usage: npx tsx bench/provider-handshake.ts [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProvider } from '../provider/tooling/build.js';
import { buildStandalone, hostPlatform } from '../provider/tooling/sea.js';
import { createServerCertificate } from '../provider/plugin/certificate.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../provider/plugin/handshake.js';

const TARGET_MS = 150;
const runs = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 15);
const entry = fileURLToPath(new URL('../provider/main.ts', import.meta.url));
const tsxLoader = fileURLToPath(new URL('../node_modules/tsx/dist/esm/index.mjs', import.meta.url));

function timeToHandshake(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      if (c.includes('\n')) {
        const ms = performance.now() - started;
        child.kill('SIGKILL');
        resolve(ms);
      }
    });
    child.on('exit', (code) => {
      if (code !== null) reject(new Error(`exited ${code} before handshake: ${stderr}`));
    });
  });
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `median ${at(0.5).toFixed(0)} ms, min ${(sorted[0] ?? Number.NaN).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms (n=${sorted.length})`;
}

const out = mkdtempSync(join(tmpdir(), 'sftoken-bench-'));
try {
  process.stderr.write('building bundle...\n');
  const built = await buildProvider({ entry, outDir: out });
  const host = hostPlatform();
  process.stderr.write('building the standalone executable (cached by its inputs)...\n');
  const [standalone] = host === undefined ? [] : await buildStandalone({ entry, platforms: [host] });
  const client = await createServerCertificate();
  const env = {
    PATH: process.env.PATH,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: '5,6',
    PLUGIN_CLIENT_CERT: client.certPem,
  };
  const variants: { name: string; command: string; args: string[] }[] = [
    ...(standalone === undefined ? [] : [{ name: `standalone executable (${standalone.platform}, ${(standalone.size / 1e6).toFixed(0)} MB, node SEA + code cache)`, command: standalone.path, args: [] }]),
    { name: 'bundled (sh launcher -> code cache -> bundle)', command: built.launcherPath, args: [] },
    { name: 'bundled (node bundle.cjs directly, no code cache)', command: process.execPath, args: [built.bundlePath] },
    { name: 'unbundled (node --import tsx provider/main.ts)', command: process.execPath, args: ['--import', tsxLoader, entry] },
  ];
  const samples = variants.map(() => [] as number[]);
  for (const variant of variants) await timeToHandshake(variant.command, variant.args, env); // warm the OS file cache
  for (let i = 0; i < runs; i++) {
    for (const [v, variant] of variants.entries()) samples[v]?.push(await timeToHandshake(variant.command, variant.args, env));
    process.stderr.write(`\rrun ${i + 1}/${runs}`);
  }
  process.stderr.write('\n');
  const results = variants.map((variant, v) => `${variant.name}: ${stats(samples[v] ?? [])}`);
  console.log(`start-to-handshake (AutoMTLS on, node ${process.version}, ${String(runs)} runs each, interleaved)`);
  for (const line of results) console.log(`  ${line}`);
  if (standalone !== undefined) {
    const median = (v: number): number => [...(samples[v] ?? [])].sort((a, b) => a - b)[Math.floor((samples[v]?.length ?? 0) / 2)] ?? Number.NaN;
    const [exe, launcher] = [median(0), median(1)];
    // Issue 12's budget for the executable users install.
    console.log(`  standalone ${exe.toFixed(0)} ms vs launcher ${launcher.toFixed(0)} ms median; target <= ${String(TARGET_MS)} ms: ${exe <= TARGET_MS ? 'met' : 'MISSED'}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
