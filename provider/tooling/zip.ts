import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

// Zip archives for provider releases, written here rather than by the zip
// CLI so that the same executable always gives the same bytes (fixed
// timestamp, fixed order): a release's SHA256SUMS and the hashes users pin
// in their lock files do not change when it is rebuilt from the same inputs.

/** ZipEntry is one regular file in an archive. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
  /** mode is the Unix permission bits (0o755 for the provider executable). */
  readonly mode: number;
}

// 1980-01-01 00:00:00, the earliest MS-DOS date: no build time leaks into the archive.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const UNIX_REGULAR = 0o100000;

/**
 * writeZip writes entries, deflated, with their Unix modes recorded (version
 * made by "Unix", external attributes), which is how Terraform's and
 * OpenTofu's installers learn that the provider is executable.
 */
export async function writeZip(path: string, entries: readonly ZipEntry[]): Promise<void> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    // Level 6: level 9 takes about three times as long on the 100 MB executable for 0.4% less.
    const compressed = deflateRawSync(entry.data, { level: 6 });
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: deflate
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below is read
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((UNIX_REGULAR | entry.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(path, Buffer.concat([...locals, directory, end]));
}

/** readZip reads every entry of an archive (stored or deflated; no zip64), checking each CRC. */
export async function readZip(path: string): Promise<ZipEntry[]> {
  const zip = await readFile(path);
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error(`${path}: not a zip archive`);
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${path}: corrupt central directory`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const madeBy = zip.readUInt16LE(at + 4) >> 8;
    const external = zip.readUInt32LE(at + 38);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    const data = method === 0 ? raw : inflateRawSync(raw);
    if (crc32(data) !== crc) throw new Error(`${path}: ${name} fails its CRC`);
    entries.push({ name, data, mode: madeBy === 3 ? (external >>> 16) & 0o7777 : 0o644 });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * packageHashV1 is the "h1:" hash Terraform and OpenTofu record in lock files
 * and network mirrors: Go's dirhash Hash1 over the archive's files, i.e. the
 * SHA-256 of the sorted lines "<sha256 hex>  <name>\n".
 */
export async function packageHashV1(zipPath: string): Promise<string> {
  const entries = (await readZip(zipPath)).filter((e) => !e.name.endsWith('/'));
  const lines = entries
    .map((e) => e.name)
    .sort()
    .map((name) => `${createHash('sha256').update(entries.find((e) => e.name === name)?.data ?? new Uint8Array()).digest('hex')}  ${name}\n`);
  return `h1:${createHash('sha256').update(lines.join('')).digest('base64')}`;
}

/** sha256File is a file's SHA-256 in hex (the "zh:" lock-file hash of a release zip). */
export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
