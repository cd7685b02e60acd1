import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// Deterministic OCI pieces, written by hand rather than by a builder tool:
// GNU tar with a sorted file list, fixed owners and clamped timestamps, then
// gzip without a name or time in its header. The same inputs give the same
// bytes, so the same commit gives the same digest on any machine with
// Debian's tar and gzip. skopeo and umoci read the result (test/image).

/** MediaTypes are the OCI image-spec media types this project writes. */
export const MediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** A Descriptor points at a blob by media type, digest and size. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Record<string, string>;
  readonly platform?: { readonly architecture: string; readonly os: string };
}

/** A Layer is one gzipped layer blob on disk and what the config and manifest say about it. */
export interface Layer {
  /** path of the .tar.gz blob. */
  readonly path: string;
  /** digest is sha256 of the compressed blob (the manifest's). */
  readonly digest: string;
  /** diffId is sha256 of the uncompressed tar (the config's rootfs.diff_ids). */
  readonly diffId: string;
  /** size of the compressed blob in bytes. */
  readonly size: number;
  /** uncompressedSize of the tar in bytes. */
  readonly uncompressedSize: number;
}

/** An Owned subtree is archived with this numeric owner instead of root. */
export interface Owned {
  /** path relative to the layer root (the directory itself and everything below it). */
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
}

/** LayerOptions fix what would otherwise vary between builds. */
export interface LayerOptions {
  /** epoch (seconds): no entry is newer; newer ones (directories, generated files) are clamped to it. */
  readonly epoch: number;
  /** owned subtrees that are not root's (e.g. the non-root user's home). */
  readonly owned?: readonly Owned[];
}

/** run runs a command to completion, failing with its stderr; stdin and stdout may be files. */
export async function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdinFile?: string; stdoutFile?: string } = {}): Promise<string> {
  const stdin = options.stdinFile === undefined ? 'ignore' : openSync(options.stdinFile, 'r');
  const stdout = options.stdoutFile === undefined ? 'pipe' : openSync(options.stdoutFile, 'w');
  try {
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [stdin, stdout, 'pipe'] });
      let out = '';
      let err = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.once('error', reject);
      child.once('close', (code) => {
        if (code === 0) resolve(out);
        else reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}: ${err.trim()}`));
      });
    });
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
    if (typeof stdout === 'number') closeSync(stdout);
  }
}

/** sha256File is the hex SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** sha256Text is the hex SHA-256 of a string or buffer. */
export function sha256Text(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * walk lists every path below root (relative, without a leading "./"), in
 * byte order, which puts each directory before its contents. Symlinks are
 * listed, never followed.
 */
export async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      out.push(path);
      if (entry.isDirectory()) await visit(path);
    }
  };
  await visit('');
  return out.sort(byteOrder);
}

/** byteOrder compares strings by their UTF-8 bytes, as `LC_ALL=C sort` does. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** newestMtime is the latest mtime (whole seconds) of the regular files and symlinks below root. */
export async function newestMtime(root: string): Promise<number> {
  let newest = 0;
  for (const path of await walk(root)) {
    const info = await lstat(join(root, path));
    if (info.isFile() || info.isSymbolicLink()) newest = Math.max(newest, Math.floor(info.mtimeMs / 1000));
  }
  return newest;
}

// Entries are listed explicitly (sorted, --no-recursion) so readdir order never
// reaches the archive; owners are fixed so the build user does not either;
// PaxHeaders get a fixed name (GNU tar's default contains the PID) and no
// atime/ctime; hard links are stored as files so inode sharing does not matter.
function tarArgs(archive: string, list: string, epoch: number, owner: { uid: number; gid: number }, append: boolean): string[] {
  return [
    append ? '--append' : '--create', `--file=${archive}`, '--no-recursion', '--null', `--files-from=${list}`,
    '--format=posix', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    `--mtime=@${String(epoch)}`, '--clamp-mtime', `--owner=${String(owner.uid)}`, `--group=${String(owner.gid)}`, '--numeric-owner',
    '--hard-dereference', '--no-acls', '--no-xattrs', '--no-selinux',
  ];
}

/**
 * tarTree writes root's contents to an uncompressed tar: everything root-owned
 * and in byte order, then each owned subtree appended with its owner.
 */
export async function tarTree(root: string, archive: string, options: LayerOptions): Promise<void> {
  const owned = options.owned ?? [];
  const inOwned = (path: string): Owned | undefined => owned.find((o) => path === o.path || path.startsWith(`${o.path}/`));
  const paths = await walk(root);
  const lists = [{ owner: { uid: 0, gid: 0 }, paths: paths.filter((p) => inOwned(p) === undefined) }];
  for (const o of owned) lists.push({ owner: { uid: o.uid, gid: o.gid }, paths: paths.filter((p) => inOwned(p) === o) });
  await rm(archive, { force: true });
  const listFile = `${archive}.list`;
  try {
    for (const [i, { owner, paths: entries }] of lists.entries()) {
      if (entries.length === 0 && i > 0) continue;
      await writeFile(listFile, entries.map((p) => `${p}\0`).join(''));
      await run('tar', tarArgs(archive, listFile, options.epoch, owner, i > 0), { cwd: root, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } });
    }
  } finally {
    await rm(listFile, { force: true });
  }
}

/**
 * gzipLayer turns a directory into a layer blob at `blob` (.tar.gz): a
 * deterministic tar, gzip -n (no name, no time in the header) at level 6,
 * which is gzip's default: -9 takes three times as long for 0.7 % less.
 */
export async function gzipLayer(root: string, blob: string, options: LayerOptions): Promise<Layer> {
  await mkdir(dirname(blob), { recursive: true });
  const tar = `${blob}.tar`;
  try {
    await tarTree(root, tar, options);
    await run('gzip', ['-n', '-6', '-c'], { stdinFile: tar, stdoutFile: blob });
    const [diffId, digest, tarInfo, blobInfo] = await Promise.all([sha256File(tar), sha256File(blob), stat(tar), stat(blob)]);
    return { path: blob, digest: `sha256:${digest}`, diffId: `sha256:${diffId}`, size: blobInfo.size, uncompressedSize: tarInfo.size };
  } finally {
    await rm(tar, { force: true });
  }
}

/** canonicalJson is JSON without whitespace, in the key order the object literal gives: the bytes a digest is taken over. */
export function canonicalJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** An OciImage is what writeOciArchive needs: layers, a config object and the manifest's annotations. */
export interface OciImage {
  readonly layers: readonly Layer[];
  readonly config: unknown;
  readonly annotations: Record<string, string>;
  /** refName is the index's org.opencontainers.image.ref.name (the tag skopeo and umoci select). */
  readonly refName: string;
  readonly platform: { readonly architecture: string; readonly os: string };
}

/** WrittenArchive is the archive on disk and the digests that identify it. */
export interface WrittenArchive {
  readonly path: string;
  /** digest of the manifest: the image's identity in a registry. */
  readonly digest: string;
  readonly configDigest: string;
  /** compressedSize is what a registry stores and a node pulls: layers + config + manifest. */
  readonly compressedSize: number;
  /** uncompressedSize is the root filesystem's tar size: the sum of the layers' diff sizes. */
  readonly uncompressedSize: number;
}

/**
 * writeOciArchive lays out an OCI image (oci-layout, index.json,
 * blobs/sha256/…) in a scratch directory and tars it deterministically into
 * `path`, the oci-archive transport of skopeo and podman. The archive is
 * written beside `path` and renamed, so a reader never sees half of it.
 */
export async function writeOciArchive(path: string, image: OciImage, epoch: number): Promise<WrittenArchive> {
  const layout = `${path}.layout`;
  await rm(layout, { recursive: true, force: true });
  const blobs = join(layout, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  try {
    for (const layer of image.layers) await copyFile(layer.path, join(blobs, layer.digest.slice('sha256:'.length)));
    const config = canonicalJson(image.config);
    const configDigest = `sha256:${sha256Text(config)}`;
    await writeFile(join(blobs, configDigest.slice('sha256:'.length)), config);
    const manifest = canonicalJson({
      schemaVersion: 2,
      mediaType: MediaTypes.manifest,
      config: { mediaType: MediaTypes.config, digest: configDigest, size: config.length },
      layers: image.layers.map((l): Descriptor => ({ mediaType: MediaTypes.layer, digest: l.digest, size: l.size })),
      annotations: image.annotations,
    });
    const digest = `sha256:${sha256Text(manifest)}`;
    await writeFile(join(blobs, digest.slice('sha256:'.length)), manifest);
    const index = canonicalJson({
      schemaVersion: 2,
      mediaType: MediaTypes.index,
      manifests: [{
        mediaType: MediaTypes.manifest, digest, size: manifest.length, platform: image.platform,
        annotations: { ...image.annotations, 'org.opencontainers.image.ref.name': image.refName },
      } satisfies Descriptor],
    });
    await writeFile(join(layout, 'index.json'), index);
    await writeFile(join(layout, 'oci-layout'), canonicalJson({ imageLayoutVersion: '1.0.0' }));
    await normalizeModes(layout);
    const partial = `${path}.partial`;
    await tarTree(layout, partial, { epoch });
    await rename(partial, path);
    return {
      path, digest, configDigest,
      compressedSize: image.layers.reduce((n, l) => n + l.size, 0) + config.length + manifest.length,
      uncompressedSize: image.layers.reduce((n, l) => n + l.uncompressedSize, 0),
    };
  } finally {
    await rm(layout, { recursive: true, force: true });
  }
}

/** normalizeModes sets 0755 on directories and 0644 on files below root, whatever the caller's umask made them. */
export async function normalizeModes(root: string): Promise<void> {
  await chmod(root, 0o755);
  for (const path of await walk(root)) {
    const info = await lstat(join(root, path));
    if (info.isDirectory()) await chmod(join(root, path), 0o755);
    else if (info.isFile()) await chmod(join(root, path), 0o644);
  }
}
