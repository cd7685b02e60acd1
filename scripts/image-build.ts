import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleOperator } from '../operator/tooling/bundle.js';
import {
  CaBundle, DebianPackages, NodePath, NodeRuntime, NonRoot,
  assembleDebianRoot, assembleNodeRoot, debianArchitecture, downloadPackages, fetchNode, resolvePackages,
} from './image-inputs.js';
import { gzipLayer, run, sha256File, sha256Text, writeOciArchive, type Layer } from './image-oci.js';

// `npm run image`: the operator's OCI image, built from Debian packages and
// npm only, into dist/<name>_<version>.oci.tar. Three layers, each rebuilt
// only when what it is made of changes: Debian runtime (cached by package
// versions), node (cached by its pinned version), the operator bundle (every
// build; under a second). See docs/image.md.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** ImageName is the image's name: the archive's file name and the repository the docs push to. */
export const ImageName = 'storefront-token-operator';

/** DefaultSource is org.opencontainers.image.source unless SFTOKEN_IMAGE_SOURCE says otherwise. */
export const DefaultSource = 'https://github.com/storefront-token/storefront-token';

/** HealthPort is the port the image's default command serves /healthz, /readyz and /metrics on. */
export const HealthPort = 8080;

/** BuildOptions choose where the archive goes and whether cached layers may be used. */
export interface BuildOptions {
  /** outDir receives <name>_<version>.oci.tar. @default dist */
  readonly outDir?: string;
  /** fresh derives every layer from its inputs, neither reading nor writing cached layers (downloads are reused). */
  readonly fresh?: boolean;
  /** cacheDir holds downloads and layers. @default $SFTOKEN_IMAGE_CACHE or ~/.cache/storefront-token/image */
  readonly cacheDir?: string;
  /** log receives progress lines. @default stderr */
  readonly log?: (line: string) => void;
}

/** LayerSummary describes one layer in the build's report. */
export interface LayerSummary {
  readonly name: string;
  readonly digest: string;
  readonly size: number;
  readonly uncompressedSize: number;
  readonly cached: boolean;
}

/** BuiltImage is the build's report: where the archive is and what identifies it. */
export interface BuiltImage {
  readonly archive: string;
  readonly name: string;
  readonly tag: string;
  readonly digest: string;
  readonly revision: string;
  readonly sourceDateEpoch: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly layers: readonly LayerSummary[];
  readonly debian: readonly string[];
  readonly seconds: number;
}

interface CachedLayer extends Layer {
  readonly epoch: number;
}

async function git(args: readonly string[]): Promise<string> {
  return (await run('git', args, { cwd: repoRoot })).trim();
}

function iso(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * cachedLayer returns the layer cached under key, or builds it with make into
 * the cache (by rename, so concurrent builds never see half a blob), where it
 * replaces the kind's previous layer. A cached blob whose digest no longer
 * matches is rebuilt. With fresh, the layer is built into scratch and the
 * cache is neither read nor written.
 */
async function cachedLayer(cache: string, key: string, scratch: string, fresh: boolean, make: (root: string) => Promise<number>): Promise<{ layer: CachedLayer; cached: boolean }> {
  const blob = join(cache, `${key}.tar.gz`);
  const meta = `${blob}.json`;
  if (!fresh && existsSync(meta) && existsSync(blob)) {
    const layer = JSON.parse(await readFile(meta, 'utf8')) as CachedLayer;
    if (`sha256:${await sha256File(blob)}` === layer.digest) return { layer: { ...layer, path: blob }, cached: true };
  }
  const root = join(scratch, key);
  const epoch = await make(root);
  const built = await gzipLayer(root, join(scratch, `${key}.tar.gz`), { epoch, owned: [{ path: NonRoot.home, uid: NonRoot.uid, gid: NonRoot.gid }] });
  await rm(root, { recursive: true, force: true });
  if (fresh) return { layer: { ...built, epoch }, cached: false };
  await mkdir(cache, { recursive: true });
  await rename(built.path, blob);
  const layer = { ...built, path: blob, epoch };
  await writeFile(`${meta}.partial`, JSON.stringify(layer));
  await rename(`${meta}.partial`, meta);
  // One cached layer per kind: an older recipe's or package set's would only take space (~40 MB for node).
  const kind = key.slice(0, key.lastIndexOf('-') + 1);
  for (const file of await readdir(cache)) {
    if (file.startsWith(kind) && !file.startsWith(key)) await rm(join(cache, file), { force: true });
  }
  return { layer, cached: false };
}

/** buildImage builds the operator image into an OCI archive and reports its digest and sizes. */
export async function buildImage(options: BuildOptions = {}): Promise<BuiltImage> {
  const started = performance.now();
  // Modes of the directories and files the build creates must not depend on the caller's umask.
  process.umask(0o022);
  const log = options.log ?? ((line: string) => process.stderr.write(`image: ${line}\n`));
  const fresh = options.fresh ?? false;
  const cacheDir = options.cacheDir ?? process.env['SFTOKEN_IMAGE_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'storefront-token', 'image');
  const outDir = resolve(options.outDir ?? join(repoRoot, 'dist'));
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string; license: string; description: string };
  const commit = await git(['rev-parse', 'HEAD']);
  const sourceDateEpoch = Number(process.env['SOURCE_DATE_EPOCH'] ?? await git(['log', '-1', '--format=%ct', 'HEAD']));
  if (!Number.isInteger(sourceDateEpoch) || sourceDateEpoch < 0) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds, not ${String(process.env['SOURCE_DATE_EPOCH'])}`);

  const arch = await debianArchitecture();
  if (arch !== 'amd64') throw new Error(`the image pins node's linux-x64 build; this machine is ${arch}`);
  // The layers' recipe is these two files: editing either rebuilds the cached layers.
  const recipe = sha256Text(Buffer.concat(await Promise.all(['image-inputs.ts', 'image-oci.ts'].map((f) => readFile(join(repoRoot, 'scripts', f))))));
  // Scratch beside the layer cache, so finished layers move into it by rename.
  await mkdir(cacheDir, { recursive: true });
  const scratch = await mkdtemp(join(cacheDir, 'build-'));
  try {
    const packages = await resolvePackages(DebianPackages, log);
    const debianKey = `debian-${sha256Text(JSON.stringify({ recipe, arch, packages })).slice(0, 16)}`;
    const debian = await cachedLayer(join(cacheDir, 'layers'), debianKey, scratch, fresh, async (root) => {
      log(`debian layer: ${packages.map((p) => `${p.name}=${p.version}`).join(' ')}`);
      return assembleDebianRoot(await downloadPackages(packages, join(cacheDir, 'downloads', 'debian'), log), root);
    });
    const nodeKey = `node-${sha256Text(JSON.stringify({ recipe, NodeRuntime })).slice(0, 16)}`;
    const node = await cachedLayer(join(cacheDir, 'layers'), nodeKey, scratch, fresh, async (root) => {
      log(`node layer: ${NodeRuntime.package}@${NodeRuntime.version}`);
      return assembleNodeRoot(await fetchNode(join(cacheDir, 'downloads', 'npm'), log), root);
    });

    const appRoot = join(scratch, 'app-root');
    const bundled = await bundleOperator(join(appRoot, 'app'));
    const app = await gzipLayer(appRoot, join(scratch, 'app.tar.gz'), { epoch: sourceDateEpoch });
    // The revision names the commit; "-dirty" when a bundled source or the build itself differs from it.
    const watched = [...bundled.sources, 'package-lock.json', 'scripts/image-build.ts', 'scripts/image-inputs.ts', 'scripts/image-oci.ts', 'operator/tooling'];
    const dirty = (await git(['status', '--porcelain', '--untracked-files=all', '--', ...watched])) !== '';
    const revision = dirty ? `${commit}-dirty` : commit;
    if (dirty) log(`sources differ from ${commit.slice(0, 12)}: revision ${revision}`);

    const annotations: Record<string, string> = {
      'org.opencontainers.image.created': iso(sourceDateEpoch),
      'org.opencontainers.image.source': process.env['SFTOKEN_IMAGE_SOURCE'] ?? DefaultSource,
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.revision': revision,
      'org.opencontainers.image.licenses': pkg.license,
      'org.opencontainers.image.title': ImageName,
      'org.opencontainers.image.description': 'The StorefrontToken Kubernetes operator: issues, rotates, delivers and revokes platform API tokens.',
    };
    const layers = [debian.layer, node.layer, app];
    const config = {
      created: iso(sourceDateEpoch),
      architecture: arch,
      os: 'linux',
      config: {
        User: `${String(NonRoot.uid)}:${String(NonRoot.gid)}`,
        ExposedPorts: { [`${String(HealthPort)}/tcp`]: {} },
        Env: ['PATH=/usr/local/bin:/usr/bin:/bin', `SSL_CERT_FILE=${CaBundle}`],
        // --use-openssl-ca: trust the image's CA bundle (SSL_CERT_FILE), which a cluster can replace with its own.
        Entrypoint: [NodePath, '--use-openssl-ca', '/app/sftoken.mjs'],
        // In a Pod the probes come from the kubelet, not loopback: bind every address by default.
        Cmd: ['operator', '--health-addr', `0.0.0.0:${String(HealthPort)}`],
        WorkingDir: '/app',
        Labels: annotations,
        StopSignal: 'SIGTERM',
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: [
        { created: iso(debian.layer.epoch), created_by: `debian ${packages.map((p) => `${p.name}=${p.version}`).join(' ')}`, comment: 'unpacked without maintainer scripts; docs, manuals and iconv modules pruned' },
        { created: iso(node.layer.epoch), created_by: `npm ${NodeRuntime.package}@${NodeRuntime.version} ${NodeRuntime.integrity}`, comment: 'the official node binary' },
        { created: iso(sourceDateEpoch), created_by: `esbuild operator/tooling/entry.ts at ${revision}`, comment: `${String(bundled.packages.length)} npm packages bundled; licences in /app/THIRD_PARTY_NOTICES` },
      ],
    };
    await mkdir(outDir, { recursive: true });
    const written = await writeOciArchive(join(outDir, `${ImageName}_${pkg.version}.oci.tar`), {
      layers, config, annotations, refName: pkg.version, platform: { architecture: arch, os: 'linux' },
    }, sourceDateEpoch);
    return {
      archive: written.path,
      name: ImageName,
      tag: pkg.version,
      digest: written.digest,
      revision,
      sourceDateEpoch,
      compressedSize: written.compressedSize,
      uncompressedSize: written.uncompressedSize,
      layers: [
        { name: 'debian', digest: debian.layer.digest, size: debian.layer.size, uncompressedSize: debian.layer.uncompressedSize, cached: debian.cached },
        { name: 'node', digest: node.layer.digest, size: node.layer.size, uncompressedSize: node.layer.uncompressedSize, cached: node.cached },
        { name: 'operator', digest: app.digest, size: app.size, uncompressedSize: app.uncompressedSize, cached: false },
      ],
      debian: packages.map((p) => `${p.name}=${p.version}`),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** report is the build's human summary: digest, sizes per layer, and how to push the archive. */
export function report(built: BuiltImage): string {
  const archive = relative(process.cwd(), built.archive) || built.archive;
  return [
    `image    ${built.name}:${built.tag}`,
    `archive  ${archive} (${mb(built.compressedSize)} compressed, ${mb(built.uncompressedSize)} uncompressed)`,
    `digest   ${built.digest}`,
    `revision ${built.revision} (SOURCE_DATE_EPOCH=${String(built.sourceDateEpoch)})`,
    ...built.layers.map((l) => `layer    ${l.name.padEnd(8)} ${mb(l.size).padStart(8)} gz ${mb(l.uncompressedSize).padStart(9)} tar  ${l.digest.slice(0, 19)}${l.cached ? '  (cached)' : ''}`),
    `built in ${String(built.seconds)} s`,
    `push:    skopeo copy oci-archive:${archive}:${built.tag} docker://<registry>/<owner>/${built.name}:${built.tag}`,
  ].join('\n');
}

const usage = `usage: npm run image [-- --out DIR] [--fresh] [--json]

Builds the operator's OCI image into DIR/${ImageName}_<version>.oci.tar
(default dist/) from Debian packages and npm, and prints its digest and sizes.

  --out DIR  where the archive goes (default dist)
  --fresh    derive every layer from its inputs; use and keep no cached layer
  --json     print the report as one JSON object
`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, fresh: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    process.stdout.write(usage);
  } else {
    const built = await buildImage({ ...(values.out === undefined ? {} : { outDir: values.out }), fresh: values.fresh === true });
    process.stdout.write(values.json === true ? `${JSON.stringify(built)}\n` : `${report(built)}\n`);
  }
}
