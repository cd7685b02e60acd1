import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProviderError } from '../errors.js';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE, REGISTRY_HOSTS } from './install.js';
import { buildStandalone, STANDALONE_PLATFORMS, type StandaloneExecutable, type StandaloneOptions, type StandalonePlatform } from './sea.js';
import { packageHashV1, sha256File, writeZip } from './zip.js';

// `npm run release:provider`: the provider release in the layout the public
// registries, `terraform providers mirror` and goreleaser use, so any
// provider registry or network mirror can serve it unchanged:
//   terraform-provider-sftoken_<v>_<os>_<arch>.zip   one executable each
//   terraform-provider-sftoken_<v>_manifest.json     protocol versions
//   terraform-provider-sftoken_<v>_SHA256SUMS        every file above
//   terraform-provider-sftoken_<v>_SHA256SUMS.sig    detached GPG signature
//   terraform-provider-sftoken_<v>_signing-key.asc   the public key to publish
// writeRegistry and writeNetworkMirror add the JSON documents of the provider
// registry protocol and of the provider network mirror protocol, for hosting
// the release on any static HTTPS server (docs/terraform.md).

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** PROTOCOL_VERSIONS are the plugin protocol versions the release declares (tfplugin6). */
export const PROTOCOL_VERSIONS = ['6.0'] as const;

/** ReleaseSigning names the GPG key that signs SHA256SUMS. */
export interface ReleaseSigning {
  /** gnupgHome holds the secret key. */
  readonly gnupgHome: string;
  /** keyId is the key's fingerprint or long id. */
  readonly keyId: string;
}

/** ReleaseOptions chooses the version, platforms, key and output directory. */
export interface ReleaseOptions {
  /** outDir receives the release files (emptied first). @default dist/release */
  readonly outDir?: string;
  /** version of the release. @default package.json's version */
  readonly version?: string;
  /** platforms to build. @default STANDALONE_PLATFORMS */
  readonly platforms?: readonly StandalonePlatform[];
  /** signing key; without it, a key is generated for this release only (see generateSigningKey). */
  readonly signing?: ReleaseSigning;
  /** standalone passes cache and entry options to buildStandalone. */
  readonly standalone?: Omit<StandaloneOptions, 'platforms' | 'log'>;
  /** log receives progress lines. @default stderr */
  readonly log?: (line: string) => void;
}

/** ReleaseArchive is one platform's zip. */
export interface ReleaseArchive {
  readonly platform: StandalonePlatform;
  readonly os: string;
  readonly arch: string;
  /** filename of the zip, in the release directory. */
  readonly filename: string;
  /** sha256 of the zip in hex (its "zh:" hash). */
  readonly sha256: string;
  /** h1 is the "h1:" hash of its contents, which lock files and network mirrors record. */
  readonly h1: string;
  /** executable is the file name inside the zip. */
  readonly executable: string;
  /** size of the executable in bytes. */
  readonly executableSize: number;
  /** codeCache is true when the executable embeds a warm V8 code cache. */
  readonly codeCache: boolean;
}

/** Release is a finished release directory. */
export interface Release {
  readonly dir: string;
  readonly version: string;
  readonly archives: readonly ReleaseArchive[];
  /** shasums, signature, manifest and publicKey are file names in dir. */
  readonly shasums: string;
  readonly signature: string;
  readonly manifest: string;
  readonly publicKey: string;
  /** keyId is the signing key's long id (16 hex digits), as registries publish it. */
  readonly keyId: string;
  /** publicKeyArmor is the ASCII-armoured public key. */
  readonly publicKeyArmor: string;
}

/** packageVersion is the project's version (package.json), the default release version. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * buildRelease builds the standalone executables (cached by their inputs)
 * and writes the release files into outDir. Zips are deterministic and kept
 * beside their executable in the cache, so a rebuild of an unchanged
 * provider only signs again.
 */
export async function buildRelease(options: ReleaseOptions = {}): Promise<Release> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[release] ${line}\n`));
  const version = options.version ?? packageVersion();
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) throw new ProviderError('ERR_INSTALL', `release version "${version}" is not a semantic version`);
  const dir = resolve(options.outDir ?? join(repoRoot, 'dist', 'release'));
  const executables = await buildStandalone({ ...options.standalone, platforms: options.platforms ?? STANDALONE_PLATFORMS, log });
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const prefix = `terraform-provider-${PROVIDER_TYPE}_${version}`;
  const archives: ReleaseArchive[] = [];
  for (const exe of executables) archives.push(await archive(exe, dir, prefix, version));

  const manifest = `${prefix}_manifest.json`;
  await writeFile(join(dir, manifest), `${JSON.stringify({ version: 1, metadata: { protocol_versions: PROTOCOL_VERSIONS } }, null, 2)}\n`);
  const shasums = `${prefix}_SHA256SUMS`;
  const summed = [...archives.map((a) => a.filename), manifest].sort();
  const lines = await Promise.all(summed.map(async (file) => `${await sha256File(join(dir, file))}  ${file}\n`));
  await writeFile(join(dir, shasums), lines.join(''));

  let ephemeral: string | undefined;
  let signing = options.signing;
  if (signing === undefined) {
    ephemeral = await mkdtemp(join(tmpdir(), 'sftoken-gpg-'));
    signing = await generateSigningKey(ephemeral);
    log(`no signing key given: generated ${signing.keyId} for this release only (its secret key is discarded)`);
  }
  try {
    const signature = `${shasums}.sig`;
    await gpg(signing.gnupgHome, ['--local-user', signing.keyId, '--output', join(dir, signature), '--detach-sign', join(dir, shasums)]);
    const publicKeyArmor = await gpg(signing.gnupgHome, ['--armor', '--export', signing.keyId]);
    const publicKey = `${prefix}_signing-key.asc`;
    await writeFile(join(dir, publicKey), publicKeyArmor);
    const keyId = (await keyFingerprint(signing.gnupgHome, signing.keyId)).slice(-16);
    return { dir, version, archives, shasums, signature, manifest, publicKey, keyId, publicKeyArmor };
  } finally {
    if (ephemeral !== undefined) await dropGnupgHome(ephemeral);
  }
}

function zipRecipe(): string {
  return createHash('sha256').update(readFileSync(fileURLToPath(new URL('./zip.ts', import.meta.url)))).digest('hex').slice(0, 12);
}

async function archive(exe: StandaloneExecutable, dir: string, prefix: string, version: string): Promise<ReleaseArchive> {
  const [os = '', arch = ''] = exe.platform.split('_');
  const filename = `${prefix}_${exe.platform}.zip`;
  const executable = `terraform-provider-${PROVIDER_TYPE}_v${version}`;
  // Same executable, name and zip.ts, same bytes: the zip is cached beside the executable.
  const cached = join(dirname(exe.path), `${filename}.${zipRecipe()}`);
  if (!existsSync(cached)) {
    const tmp = `${cached}.${String(process.pid)}.tmp`;
    await writeZip(tmp, [{ name: executable, data: await readFile(exe.path), mode: 0o755 }]);
    await rename(tmp, cached);
  }
  await copyFile(cached, join(dir, filename));
  const path = join(dir, filename);
  return { platform: exe.platform, os, arch, filename, sha256: await sha256File(path), h1: await packageHashV1(path), executable, executableSize: exe.size, codeCache: exe.codeCache };
}

/**
 * generateSigningKey creates an RSA 4096 signing key without a passphrase in
 * gnupgHome (a temporary one: tests, or a release nobody will verify later).
 * Real releases pass their own key (SFTOKEN_RELEASE_GPG_KEY).
 */
export async function generateSigningKey(gnupgHome: string, uid = 'storefront-token release signing (generated) <release-signing@storefront-token.invalid>'): Promise<ReleaseSigning> {
  await gpg(gnupgHome, ['--passphrase', '', '--quick-gen-key', uid, 'rsa4096', 'sign', '1y']);
  return { gnupgHome, keyId: await keyFingerprint(gnupgHome, uid) };
}

/** dropGnupgHome stops the gpg-agent a temporary GNUPGHOME started, then removes it. */
export async function dropGnupgHome(gnupgHome: string): Promise<void> {
  await run('gpgconf', ['--homedir', gnupgHome, '--kill', 'all'], {}).catch(() => undefined);
  await rm(gnupgHome, { recursive: true, force: true });
}

async function keyFingerprint(gnupgHome: string, who: string): Promise<string> {
  const listing = await gpg(gnupgHome, ['--with-colons', '--list-secret-keys', who]);
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
  if (fpr === undefined) throw new ProviderError('ERR_INSTALL', `gpg has no secret key ${who} in ${gnupgHome}`);
  return fpr;
}

function gpg(gnupgHome: string, args: readonly string[]): Promise<string> {
  return run('gpg', ['--homedir', gnupgHome, '--batch', '--yes', '--pinentry-mode', 'loopback', ...args], {});
}

/** RegistryOptions says where the registry documents go and the URL they will be served from. */
export interface RegistryOptions {
  /** dir is the static site root (it receives .well-known/, v1/ and the release files under releases/<version>/). */
  readonly dir: string;
  /** baseUrl is the site's https URL, e.g. https://registry.example.com (no trailing slash needed). */
  readonly baseUrl: string;
}

/**
 * writeRegistry lays out the provider registry protocol as static files:
 * service discovery, the versions list (merged with versions already in dir)
 * and one download document per platform pointing at the release files,
 * their signed SHA256SUMS and the signing key. Any HTTPS server that serves
 * dir as-is is then a registry for `<host>/storefront-token/sftoken`.
 */
export async function writeRegistry(release: Release, options: RegistryOptions): Promise<void> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const providerPath = join('v1', 'providers', PROVIDER_NAMESPACE, PROVIDER_TYPE);
  const filesPath = join('releases', release.version);
  await mkdir(join(options.dir, '.well-known'), { recursive: true });
  await writeFile(join(options.dir, '.well-known', 'terraform.json'), JSON.stringify({ 'providers.v1': '/v1/providers/' }));
  await mkdir(join(options.dir, filesPath), { recursive: true });
  for (const file of [...release.archives.map((a) => a.filename), release.shasums, release.signature, release.manifest, release.publicKey]) {
    await copyFile(join(release.dir, file), join(options.dir, filesPath, file));
  }
  const url = (file: string): string => `${base}/${filesPath.split('\\').join('/')}/${file}`;
  for (const a of release.archives) {
    const download = join(options.dir, providerPath, release.version, 'download', a.os, a.arch);
    await mkdir(dirname(download), { recursive: true });
    await writeFile(
      download,
      JSON.stringify({
        protocols: PROTOCOL_VERSIONS,
        os: a.os,
        arch: a.arch,
        filename: a.filename,
        download_url: url(a.filename),
        shasums_url: url(release.shasums),
        shasums_signature_url: url(release.signature),
        shasum: a.sha256,
        signing_keys: { gpg_public_keys: [{ key_id: release.keyId, ascii_armor: release.publicKeyArmor }] },
      }),
    );
  }
  const versionsFile = join(options.dir, providerPath, 'versions');
  type Versions = { versions: { version: string; protocols: readonly string[]; platforms: { os: string; arch: string }[] }[] };
  const existing = existsSync(versionsFile) ? (JSON.parse(await readFile(versionsFile, 'utf8')) as Versions).versions : [];
  const entry = { version: release.version, protocols: PROTOCOL_VERSIONS, platforms: release.archives.map((a) => ({ os: a.os, arch: a.arch })) };
  await writeFile(versionsFile, JSON.stringify({ versions: [...existing.filter((v) => v.version !== release.version), entry] }));
}

/** MirrorOptions says where the network mirror documents go and which registry host they stand in for. */
export interface MirrorOptions {
  /** dir is the mirror's root (what network_mirror's url points to). */
  readonly dir: string;
  /** hostname of the provider's origin registry. @default registry.terraform.io (`storefront-token/sftoken` in Terraform) */
  readonly hostname?: string;
}

/**
 * writeNetworkMirror lays out the provider network mirror protocol:
 * <host>/<namespace>/<type>/index.json (versions, merged with those already
 * there) and <version>.json (each zip with its h1 and zh hashes), with the zips
 * beside them; the URLs are relative, so the tree can be served from anywhere.
 */
export async function writeNetworkMirror(release: Release, options: MirrorOptions): Promise<string> {
  const dir = join(options.dir, options.hostname ?? 'registry.terraform.io', PROVIDER_NAMESPACE, PROVIDER_TYPE);
  await mkdir(dir, { recursive: true });
  const archives: Record<string, { url: string; hashes: string[] }> = {};
  for (const a of release.archives) {
    await copyFile(join(release.dir, a.filename), join(dir, a.filename));
    archives[a.platform] = { url: a.filename, hashes: [a.h1, `zh:${a.sha256}`] };
  }
  await writeFile(join(dir, `${release.version}.json`), JSON.stringify({ archives }));
  const indexFile = join(dir, 'index.json');
  const existing = existsSync(indexFile) ? (JSON.parse(await readFile(indexFile, 'utf8')) as { versions: Record<string, object> }).versions : {};
  await writeFile(indexFile, JSON.stringify({ versions: { ...existing, [release.version]: {} } }));
  return relative(options.dir, dir);
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (cause) => {
      reject(new ProviderError('ERR_INSTALL', `cannot run ${command}`, { cause }));
    });
    child.on('close', (code) => {
      if (code === 0) resolveRun(stdout);
      else reject(new ProviderError('ERR_INSTALL', `${command} ${args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')} exited ${String(code)}: ${stderr.trim()}`));
    });
  });
}

function usage(): string {
  return `usage: npm run release:provider -- [--out DIR] [--version V] [--platform OS_ARCH]... [--registry-url URL [--registry-dir D]] [--mirror [--mirror-dir D]]
  Builds terraform-provider-${PROVIDER_TYPE} for ${STANDALONE_PLATFORMS.join(', ')} into DIR (default dist/release).
  Signs SHA256SUMS with SFTOKEN_RELEASE_GPG_KEY from GNUPGHOME (default ~/.gnupg); without it, with a key
  generated for this release only. --registry-url also writes DIR/registry/ or D (provider registry protocol,
  served at URL); --mirror writes DIR/mirror/ or D (provider network mirror protocol, for both default registry
  hosts). An existing D keeps the versions it already serves.
`;
}

// The release:provider script.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at < 0 ? undefined : args[at + 1];
  };
  if (args.includes('--help')) {
    process.stdout.write(usage());
    process.exit(0);
  }
  const started = performance.now();
  const platforms = args.flatMap((a, i) => (args[i - 1] === '--platform' ? [a as StandalonePlatform] : []));
  const keyId = process.env.SFTOKEN_RELEASE_GPG_KEY;
  const outDir = value('--out');
  const version = value('--version');
  const release = await buildRelease({
    ...(outDir === undefined ? {} : { outDir: resolve(outDir) }),
    ...(version === undefined ? {} : { version }),
    ...(platforms.length === 0 ? {} : { platforms }),
    ...(keyId === undefined || keyId === '' ? {} : { signing: { gnupgHome: process.env.GNUPGHOME ?? join(process.env.HOME ?? '', '.gnupg'), keyId } }),
  });
  const registryUrl = value('--registry-url');
  // An existing site folder (--registry-dir, --mirror-dir) keeps its other versions: the new one is merged in.
  if (registryUrl !== undefined) await writeRegistry(release, { dir: resolve(value('--registry-dir') ?? join(release.dir, 'registry')), baseUrl: registryUrl });
  // Both default hosts: `storefront-token/sftoken` means registry.terraform.io to Terraform and registry.opentofu.org to OpenTofu.
  if (args.includes('--mirror')) for (const hostname of REGISTRY_HOSTS) await writeNetworkMirror(release, { dir: resolve(value('--mirror-dir') ?? join(release.dir, 'mirror')), hostname });
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
  const lines = [
    `release ${release.version} in ${relative(process.cwd(), release.dir) || '.'} (${((performance.now() - started) / 1000).toFixed(1)} s), signed by ${release.keyId}`,
    ...release.archives.map((a) => `  ${a.filename}  executable ${mb(a.executableSize)}, zip ${mb((readFileSync(join(release.dir, a.filename))).length)}${a.codeCache ? '' : ' (no code cache)'}  ${a.h1}`),
    `  ${release.manifest}  protocols ${PROTOCOL_VERSIONS.join(', ')}`,
    `  ${release.shasums}, ${release.signature}, ${release.publicKey}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
