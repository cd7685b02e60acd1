// The Go peer for the Terraform benchmarks (issue 12 §5): building it through
// scripts/peer-provider-build.sh, and the start-to-handshake timing that
// bench/terraform-tokens.ts and bench/provider-handshake.ts both use.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServerCertificate } from '../provider/plugin/certificate.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../provider/plugin/handshake.js';

const buildScript = fileURLToPath(new URL('../scripts/peer-provider-build.sh', import.meta.url));

/** PEER_NAME says what the peer is, for the benchmarks' output. */
export const PEER_NAME = 'Go peer (terraform-plugin-framework v1.19.0, same schema, CRUD stores the plan)';

/**
 * buildPeer builds the Go peer (or takes it from its cache) and returns the
 * executable's path. schemaPath is bench/peer-provider/schema.ts's output;
 * without it the build script prints our schema itself (slower).
 */
export function buildPeer(schemaPath?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [buildScript, ...(schemaPath === undefined ? [] : [schemaPath])], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      const path = stdout.trim().split('\n').at(-1);
      if (error !== null || path === undefined || path === '') reject(new Error(`scripts/peer-provider-build.sh failed: ${error?.message ?? 'no path printed'}`));
      else resolve(path);
    });
    child.stderr?.on('data', (c: Buffer) => process.stderr.write(c));
  });
}

/** handshakeEnv is what an engine gives a plugin it starts: the cookie, the protocol versions and its AutoMTLS certificate. */
export async function handshakeEnv(): Promise<NodeJS.ProcessEnv> {
  const client = await createServerCertificate();
  return { PATH: process.env.PATH, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: client.certPem };
}

/** timeToHandshake starts a plugin and resolves with the milliseconds until its go-plugin handshake line, then kills it. */
export function timeToHandshake(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      if (c.includes('\n')) {
        const ms = performance.now() - started;
        child.kill('SIGKILL');
        resolve(ms);
      }
    });
    child.on('exit', (code) => {
      if (code !== null) reject(new Error(`exited ${code} before handshake: ${stderr}`));
    });
  });
}

/** median of samples (the upper one of an even count). */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
