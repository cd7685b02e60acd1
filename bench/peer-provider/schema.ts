// The Go peer's schema input: our provider's own `providers schema -json`,
// trimmed to the provider block and sftoken_storefront_token. The peer embeds
// this file at build time (scripts/peer-provider-build.sh), so its schema is
// ours by construction and cannot drift.
//
//   npx tsx bench/peer-provider/schema.ts OUT.json
// builds the standalone provider (cached by its inputs), installs it into a
// temp mirror, runs `init` and `providers schema -json`, and writes OUT.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveEngines } from '../../provider/tooling/engines.js';
import { installStandalone } from '../../provider/tooling/install.js';
import { buildStandalone, hostPlatform } from '../../provider/tooling/sea.js';

/** PEER_RESOURCE is the one resource type the peer serves. */
export const PEER_RESOURCE = 'sftoken_storefront_token';

/** PeerSchema is what the peer embeds: the provider block and one resource, as `providers schema -json` prints them. */
export interface PeerSchema {
  readonly provider: unknown;
  readonly resource_schemas: Readonly<Record<string, unknown>>;
}

interface ProvidersSchema {
  readonly provider_schemas?: Readonly<Record<string, { provider?: unknown; resource_schemas?: Readonly<Record<string, unknown>> }>>;
}

/**
 * peerSchema runs `providers schema -json` in dir, a root module already
 * initialised with our provider as `sftoken`, and keeps what the peer serves.
 */
export function peerSchema(engineBinary: string, dir: string, env: NodeJS.ProcessEnv): PeerSchema {
  const text = execFileSync(engineBinary, ['providers', 'schema', '-json'], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
  const all = (JSON.parse(text) as ProvidersSchema).provider_schemas ?? {};
  const ours = Object.entries(all).find(([address]) => address.endsWith('/storefront-token/sftoken'))?.[1];
  const resource = ours?.resource_schemas?.[PEER_RESOURCE];
  if (ours?.provider === undefined || resource === undefined) throw new Error(`providers schema -json in ${dir} has no storefront-token/sftoken provider with ${PEER_RESOURCE}`);
  return { provider: ours.provider, resource_schemas: { [PEER_RESOURCE]: resource } };
}

// The script: a fresh install of the standalone provider, then peerSchema.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (out === undefined) throw new Error('usage: npx tsx bench/peer-provider/schema.ts OUT.json');
  const platform = hostPlatform();
  if (platform === undefined) throw new Error(`no standalone provider for ${process.platform} ${process.arch}`);
  // Terraform, or an OpenTofu already built: printing a schema is no reason to build one.
  const [engine] = (await resolveEngines({ buildOpenTofu: false })).engines;
  if (engine === undefined) throw new Error('no terraform or tofu to print the schema with');
  const root = mkdtempSync(join(tmpdir(), 'sftoken-peer-schema-'));
  try {
    const [standalone] = await buildStandalone({ platforms: [platform] });
    if (standalone === undefined) throw new Error('buildStandalone returned no executable');
    const installed = installStandalone({ executable: standalone.path, root: join(root, 'install') });
    const dir = join(root, 'module');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf'), `terraform {\n  required_providers {\n    sftoken = { source = "${installed.source}", version = "${installed.version}" }\n  }\n}\n`);
    const env = { ...process.env, ...installed.env, HOME: dir, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    execFileSync(engine.binary, ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(resolve(out), `${JSON.stringify(peerSchema(engine.binary, dir, env), null, 2)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
