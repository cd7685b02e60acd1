import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Random bytes are drawn from a pooled buffer: one randomBytes call per 4 KiB
// instead of one per identifier keeps the create hot path allocation-light.
let pool = Buffer.alloc(0);
let poolOffset = 0;

function take(n: number): Buffer {
  if (poolOffset + n > pool.length) {
    pool = randomBytes(Math.max(4096, n));
    poolOffset = 0;
  }
  const slice = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return slice;
}

/** sha256Hex is the full hex SHA-256 of a string; the sandbox indexes secrets by it instead of by value. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** fingerprint names a secret safely: the first 8 hex characters of its SHA-256. */
export function fingerprint(value: string): string {
  return sha256Hex(value).slice(0, 8);
}

/** randomHex returns 2*bytes lowercase hex characters. */
export function randomHex(bytes: number): string {
  return take(bytes).toString('hex');
}

function fromAlphabet(alphabet: string, length: number): string {
  // Rejection-free mapping: 256 % 62 bias is irrelevant for sandbox secrets, but
  // using the low bits of each byte keeps the output uniform enough and cheap.
  const bytes = take(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i] ?? 0) % alphabet.length] ?? '0';
  return out;
}

/** randomBase62 returns `length` characters from [0-9A-Za-z]. */
export function randomBase62(length: number): string {
  return fromAlphabet(BASE62, length);
}

/** randomCrockford returns `length` uppercase Crockford base32 characters (ULID-like identifiers). */
export function randomCrockford(length: number): string {
  return fromAlphabet(CROCKFORD, length);
}

/** isoSeconds formats epoch milliseconds as RFC 3339 UTC without fractional seconds, as the vendor APIs do. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
