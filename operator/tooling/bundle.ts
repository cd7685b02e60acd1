import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Tooling lives beside the runtime it packs: operator/ is one level up, the repository two.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** BundledOperator says what bundleOperator wrote and what went into it. */
export interface BundledOperator {
  /** bundlePath is the single ESM file node runs: `node sftoken.mjs operator [flags]`. */
  readonly bundlePath: string;
  /** noticesPath lists every bundled npm package with its licence text. */
  readonly noticesPath: string;
  /** sources are the repository files bundled (repository-relative), for the revision's dirty check. */
  readonly sources: readonly string[];
  /** packages are the bundled npm packages as name@version, sorted. */
  readonly packages: readonly string[];
}

/**
 * bundleOperator bundles operator/tooling/entry.ts (the operator command and
 * nothing else of the CLI) into one ESM file with esbuild, so the image needs
 * no node_modules and no npm. Identifiers are kept, so stack traces in the
 * logs still name functions. The output depends only on the sources: paths
 * in it are relative to the repository.
 */
export async function bundleOperator(outDir: string): Promise<BundledOperator> {
  await mkdir(outDir, { recursive: true });
  const bundlePath = join(resolve(outDir), 'sftoken.mjs');
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [join(repoRoot, 'operator', 'tooling', 'entry.ts')],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies (pino, prom-client, client-node) call require(); an ESM bundle has none of its own.
    banner: { js: "import { createRequire as __sftokenCreateRequire } from 'node:module'; const require = __sftokenCreateRequire(import.meta.url);" },
  });
  await chmod(bundlePath, 0o644);
  const inputs = Object.keys(result.metafile.inputs).sort();
  const sources = inputs.filter((p) => !p.includes('node_modules/'));
  const packageDirs = [...new Set(inputs.map(packageDirOf).filter((d): d is string => d !== undefined))];
  const notices = await Promise.all(packageDirs.map(notice));
  notices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const noticesPath = join(resolve(outDir), 'THIRD_PARTY_NOTICES');
  await writeFile(noticesPath, [
    'Third-party software bundled into sftoken.mjs, with each package\'s licence as published on npm.\n',
    ...notices.map((n) => `\n==== ${n.id} (${n.license}) ====\n\n${n.text}`),
  ].join(''));
  await chmod(noticesPath, 0o644);
  return { bundlePath, noticesPath, sources, packages: notices.map((n) => n.id) };
}

// node_modules/a/…, node_modules/@s/a/… and nested node_modules/x/node_modules/b/… → the innermost package directory.
function packageDirOf(input: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

async function notice(dir: string): Promise<{ id: string; license: string; text: string }> {
  const abs = join(repoRoot, dir);
  const pkg = JSON.parse(await readFile(join(abs, 'package.json'), 'utf8')) as { name?: string; version?: string; license?: string };
  const file = (await readdir(abs)).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f)).sort()[0];
  const text = file !== undefined && existsSync(join(abs, file)) ? await readFile(join(abs, file), 'utf8') : 'No licence file is published with this package; see its package.json licence field.\n';
  return { id: `${pkg.name ?? dir}@${pkg.version ?? '?'}`, license: pkg.license ?? 'UNKNOWN', text: text.endsWith('\n') ? text : `${text}\n` };
}
