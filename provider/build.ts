import { chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ProviderError } from './errors.js';

const providerDir = dirname(fileURLToPath(import.meta.url));

/** BuildOptions chooses what to bundle and where. */
export interface BuildOptions {
  /** entry module that calls runPluginMain. @default provider/main.ts */
  readonly entry?: string;
  /** outDir receives the bundle, its protos and a launcher. @default dist/terraform-provider (ignored by git and lint) */
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
  /** bundlePath is the single-file ESM bundle. */
  readonly bundlePath: string;
  /** protoDir holds the .proto files the bundle loads at start. */
  readonly protoDir: string;
  /** launcherPath is an executable `terraform-provider-<name>` that execs node on the bundle. */
  readonly launcherPath: string;
}

/**
 * buildProvider bundles a provider entry with esbuild into one ESM file so a
 * process reaches the handshake without resolving hundreds of modules, copies
 * the protos next to it and writes a launcher script.
 */
export async function buildProvider(options: BuildOptions = {}): Promise<BuiltProvider> {
  const name = options.name ?? 'sftoken';
  const outDir = resolve(options.outDir ?? join(providerDir, '..', 'dist', 'terraform-provider'));
  const entry = resolve(options.entry ?? join(providerDir, 'main.ts'));
  const bundlePath = join(outDir, `terraform-provider-${name}.mjs`);
  mkdirSync(outDir, { recursive: true });
  try {
    await build({
      entryPoints: [entry],
      outfile: bundlePath,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: options.minify ?? true,
      sourcemap: false,
      logLevel: 'warning',
      // CommonJS dependencies (grpc-js, protobufjs) call require(); give the ESM bundle one.
      banner: { js: "import { createRequire as __sftokenCreateRequire } from 'node:module'; const require = __sftokenCreateRequire(import.meta.url);" },
    });
  } catch (cause) {
    throw new ProviderError('ERR_INSTALL', `esbuild could not bundle ${basename(entry)}`, { cause });
  }
  const protoDir = join(outDir, 'proto');
  cpSync(join(providerDir, 'proto'), protoDir, { recursive: true });
  const launcherPath = join(outDir, `terraform-provider-${name}`);
  writeLauncher(launcherPath, bundlePath);
  return { outDir, bundlePath, protoDir, launcherPath };
}

/**
 * writeLauncher writes a two-line sh script that execs node on the bundle.
 * `exec` matters: if Terraform SIGKILLs a shell that runs node as a child,
 * node is orphaned and Terraform hangs.
 */
export function writeLauncher(path: string, bundlePath: string, nodePath: string = process.execPath): void {
  writeFileSync(path, `#!/bin/sh\nexec ${shellQuote(nodePath)} ${shellQuote(bundlePath)} "$@"\n`);
  chmodSync(path, 0o755);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// `npx tsx provider/build.ts` builds dist/terraform-provider for provider/bin/terraform-provider-sftoken.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const built = await buildProvider();
  process.stderr.write(`built ${built.bundlePath} in ${Math.round(performance.now() - started)} ms\n`);
}
