import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ProviderError } from '../errors.js';

// Tooling lives beside the runtime it packs: provider/ is one level up.
const providerDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** BuildOptions chooses what to bundle and where. */
export interface BuildOptions {
  /** entry module that calls runPluginMain. @default provider/main.ts */
  readonly entry?: string;
  /** outDir receives the bundle, a copy of the protos and a launcher. @default dist/terraform-provider (ignored by git and lint) */
  readonly outDir?: string;
  /** name is the provider type in file names. @default "sftoken" */
  readonly name?: string;
  /** minify the bundle (smaller, slightly faster to parse). @default true */
  readonly minify?: boolean;
}

/** BuiltProvider says where the bundle and its launcher are. */
export interface BuiltProvider {
  /** outDir holds everything below. */
  readonly outDir: string;
  /** bundlePath is the single-file CommonJS bundle. */
  readonly bundlePath: string;
  /** loaderPath loads the bundle through V8's code cache (<bundle>.v8cache). */
  readonly loaderPath: string;
  /** protoDir holds copies of the .proto files, for reference: the bundle carries the generated descriptor. */
  readonly protoDir: string;
  /** launcherPath is an executable `terraform-provider-<name>` that execs node on the bundle. */
  readonly launcherPath: string;
}

/**
 * buildProvider bundles a provider entry with esbuild into one CommonJS file
 * so a process reaches the handshake without resolving hundreds of modules,
 * warms a V8 code cache for it (CommonJS because vm.Script is what accepts a
 * code cache on Node 20), copies the protos next to it and writes a launcher.
 */
export async function buildProvider(options: BuildOptions = {}): Promise<BuiltProvider> {
  const name = options.name ?? 'sftoken';
  const outDir = resolve(options.outDir ?? join(providerDir, '..', 'dist', 'terraform-provider'));
  const entry = resolve(options.entry ?? join(providerDir, 'main.ts'));
  const bundlePath = join(outDir, `terraform-provider-${name}.cjs`);
  mkdirSync(outDir, { recursive: true });
  try {
    await build({
      entryPoints: [entry],
      outfile: bundlePath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: options.minify ?? true,
      sourcemap: false,
      logLevel: 'warning',
      // Sources are ESM and read import.meta.url (e.g. to find the protos).
      define: { 'import.meta.url': '__sftokenImportMetaUrl' },
      banner: { js: "var __sftokenImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    });
  } catch (cause) {
    throw new ProviderError('ERR_INSTALL', `esbuild could not bundle ${basename(entry)}`, { cause });
  }
  const protoDir = join(outDir, 'proto');
  cpSync(join(providerDir, 'proto'), protoDir, { recursive: true });
  const loaderPath = join(outDir, 'code-cache.cjs');
  cpSync(join(providerDir, 'launch', 'code-cache.cjs'), loaderPath);
  const launcherPath = join(outDir, `terraform-provider-${name}`);
  writeLauncher(launcherPath, bundlePath, loaderPath);
  warmCodeCache(loaderPath, bundlePath);
  return { outDir, bundlePath, loaderPath, protoDir, launcherPath };
}

/**
 * writeLauncher writes a two-line sh script that execs node on the code-cache
 * loader and the bundle. `exec` matters: if Terraform SIGKILLs a shell that
 * runs node as a child, node is orphaned and Terraform hangs.
 */
export function writeLauncher(path: string, bundlePath: string, loaderPath: string, nodePath: string = process.execPath): void {
  writeFileSync(path, `#!/bin/sh\nexec ${shellQuote(nodePath)} ${shellQuote(loaderPath)} ${shellQuote(bundlePath)} "$@"\n`);
  chmodSync(path, 0o755);
}

// Runs the bundle once outside Terraform: it stops at the magic-cookie check
// (the go-plugin "This binary is a plugin" message) and the loader writes the
// code cache at exit, so the first real start is already fast.
function warmCodeCache(loaderPath: string, bundlePath: string): void {
  rmSync(`${bundlePath}.v8cache`, { force: true });
  spawnSync(process.execPath, [loaderPath, bundlePath], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// `npx tsx provider/tooling/build.ts` builds dist/terraform-provider for provider/bin/terraform-provider-sftoken.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const built = await buildProvider();
  process.stderr.write(`built ${built.bundlePath} in ${Math.round(performance.now() - started)} ms\n`);
}
