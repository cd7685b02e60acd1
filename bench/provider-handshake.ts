// Benchmark: provider process start to go-plugin handshake line (what every
// Terraform phase pays 3-4 times): the standalone executable a release ships
// first, then the repository's launcher, bundled vs unbundled, and the Go
// peer (bench/peer-provider: the same schema on terraform-plugin-framework),
// with AutoMTLS on as Terraform runs it. Variants take turns run by run, so a
// busy machine slows them alike. Usage: npx tsx bench/provider-handshake.ts [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProvider } from '../provider/tooling/build.js';
import { buildStandalone, hostPlatform } from '../provider/tooling/sea.js';
import { buildPeer, handshakeEnv, median, timeToHandshake } from './terraform-peer.js';

const TARGET_MS = 150;
const runs = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 15);
const entry = fileURLToPath(new URL('../provider/main.ts', import.meta.url));
const tsxLoader = fileURLToPath(new URL('../node_modules/tsx/dist/esm/index.mjs', import.meta.url));

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
  // Without Go (or an engine to print our schema), the rest still runs.
  const peer = await buildPeer().catch((error: unknown) => {
    process.stderr.write(`no Go peer: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  });
  const env = await handshakeEnv();
  const variants: { name: string; command: string; args: string[] }[] = [
    ...(standalone === undefined ? [] : [{ name: `standalone executable (${standalone.platform}, ${(standalone.size / 1e6).toFixed(0)} MB, node SEA + code cache)`, command: standalone.path, args: [] }]),
    { name: 'bundled (sh launcher -> code cache -> bundle)', command: built.launcherPath, args: [] },
    { name: 'bundled (node bundle.cjs directly, no code cache)', command: process.execPath, args: [built.bundlePath] },
    { name: 'unbundled (node --import tsx provider/main.ts)', command: process.execPath, args: ['--import', tsxLoader, entry] },
    ...(peer === undefined ? [] : [{ name: 'Go peer (terraform-plugin-framework v1.19.0, 18 MB)', command: peer, args: [] }]),
    // For scale: what any Node provider pays before its first line of code.
    { name: 'node -e "console.log()" (Node start alone, no provider)', command: process.execPath, args: ['-e', 'console.log()'] },
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
  const medianOf = (name: string): number => median(samples[variants.findIndex((v) => v.name.startsWith(name))] ?? []);
  if (standalone !== undefined) {
    const [exe, launcher] = [medianOf('standalone'), medianOf('bundled (sh launcher')];
    // Issue 12's budget for the executable users install.
    console.log(`  standalone ${exe.toFixed(0)} ms vs launcher ${launcher.toFixed(0)} ms median; target <= ${String(TARGET_MS)} ms: ${exe <= TARGET_MS ? 'met' : 'MISSED'}`);
    if (peer !== undefined) {
      const ratio = exe / medianOf('Go peer');
      console.log(`  standalone / Go peer: ${ratio.toFixed(2)}x; target <= 2x: ${ratio <= 2 ? 'met' : 'MISSED'}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
