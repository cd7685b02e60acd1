import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerCertificate } from '../../provider/plugin/certificate.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../provider/plugin/handshake.js';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import { REGISTRY_HOSTS } from '../../provider/tooling/install.js';
import { buildRelease, dropGnupgHome, generateSigningKey, writeNetworkMirror, writeRegistry, type Release } from '../../provider/tooling/release.js';
import { hostPlatform, standaloneCommand } from '../../provider/tooling/sea.js';
import { readZip, sha256File } from '../../provider/tooling/zip.js';
import type { Sandbox } from '../../sandbox/index.js';
import { startCheckedSandbox } from '../../sandbox/testing/checked-sandbox.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { useControlPlane } from '../controlplane/use-control-plane.js';
import { runCommand, type RunResult } from './harness.js';
import { createTestCa, serveDirectory, type StaticSite, type TestCa } from './release-registry.js';
import { all, readSecret, sandboxEnv, useToken } from './storefront-token-harness.js';

// The release as a user gets it: `npm run release:provider`'s files (built
// into a temp dir with a key generated for the test), served by a provider
// registry on 127.0.0.1 over HTTPS from a CA made here, and installed by
// `init` with nothing of ours in the engine's configuration (no dev_overrides,
// no filesystem mirror). The installed standalone executable then applies a
// token against the sandbox and the local control plane. A zip or a
// SHA256SUMS changed after signing must make init fail.
const { engines, unavailable } = await resolveEngines();

it('has at least one Terraform-compatible engine to install the release with', () => {
  expect(engines.map((e) => e.name), `unavailable: ${JSON.stringify(unavailable)}`).not.toHaveLength(0);
});

for (const missing of unavailable) {
  it.skip(`${missing.name} installs the release from a registry — unavailable: ${missing.reason}`, () => undefined);
}

let root = '';
let release: Release;
let tls: TestCa;
let gnupgHome = '';
const sites: StaticSite[] = [];
const host = hostPlatform() ?? 'linux_amd64';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sftoken-release-'));
  gnupgHome = mkdtempSync(join(tmpdir(), 'sftoken-gpg-'));
  const signing = await generateSigningKey(gnupgHome, 'storefront-token release test <release-test@storefront-token.invalid>');
  release = await buildRelease({ outDir: join(root, 'release'), signing, log: () => undefined });
  tls = await createTestCa();
  writeFileSync(join(root, 'ca.pem'), tls.caPem);
  writeFileSync(join(root, 'empty.tfrc'), '# nothing: providers come from their registry, as on a user machine\n');
});

afterAll(async () => {
  await Promise.all(sites.map((s) => s.close()));
  if (gnupgHome !== '') await dropGnupgHome(gnupgHome);
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

/** registry serves a copy of the release under the registry protocol; alter may change the served files afterwards. */
async function registry(name: string, alter?: (filesDir: string, downloadsDir: string) => void): Promise<StaticSite> {
  const dir = join(root, `site-${name}`);
  mkdirSync(dir);
  const site = await serveDirectory(dir, tls);
  sites.push(site);
  await writeRegistry(release, { dir, baseUrl: site.url });
  alter?.(join(dir, 'releases', release.version), join(dir, 'v1', 'providers', 'storefront-token', 'sftoken', release.version, 'download'));
  return site;
}

/** corrupt flips one byte in the middle of a file (inside the compressed executable) and returns the new bytes. */
function corrupt(path: string): Buffer {
  const bytes = readFileSync(path);
  const at = Math.floor(bytes.length / 2);
  bytes.writeUInt8((bytes.readUInt8(at) ^ 0xff) & 0xff, at);
  writeFileSync(path, bytes);
  return bytes;
}

function handshake(command: string, args: readonly string[], cwd: string, extraEnv: Readonly<Record<string, string>> = {}): Promise<{ line: string; stderr: string }> {
  return createServerCertificate().then(
    (client) =>
      new Promise((resolve, reject) => {
        // No PATH at all: the executable must not need a node (or anything else) from the machine.
        const env = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: client.certPem, ...extraEnv };
        const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes('\n')) child.kill('SIGKILL');
        });
        child.on('error', reject);
        child.on('close', () => {
          clearTimeout(timer);
          resolve({ line: stdout.split('\n')[0] ?? '', stderr });
        });
      }),
  );
}

describe('the release files', () => {
  it('hold one executable per platform, a protocol 6.0 manifest, and SHA256SUMS that match them', async () => {
    expect(release.archives.map((a) => a.platform).sort()).toStrictEqual(['linux_amd64', 'linux_arm64']);
    const manifest = JSON.parse(readFileSync(join(release.dir, release.manifest), 'utf8')) as unknown;
    expect(manifest).toStrictEqual({ version: 1, metadata: { protocol_versions: ['6.0'] } });
    const sums = readFileSync(join(release.dir, release.shasums), 'utf8').trim().split('\n');
    const expected = await Promise.all([...release.archives.map((a) => a.filename), release.manifest].sort().map(async (f) => `${await sha256File(join(release.dir, f))}  ${f}`));
    expect(sums).toStrictEqual(expected);
    for (const a of release.archives) {
      const entries = await readZip(join(release.dir, a.filename));
      expect(entries.map((e) => [e.name, e.mode]), a.filename).toStrictEqual([[`terraform-provider-sftoken_v${release.version}`, 0o755]]);
    }
  });

  it('run with no node, no files beside them, copied, renamed and through a symlink', async () => {
    const archive = release.archives.find((a) => a.platform === host);
    const [entry] = await readZip(join(release.dir, archive?.filename ?? ''));
    const lone = join(root, 'lone');
    mkdirSync(join(lone, 'elsewhere'), { recursive: true });
    const copied = join(lone, 'terraform-provider-sftoken_v0.1.0');
    writeFileSync(copied, entry?.data ?? new Uint8Array());
    chmodSync(copied, 0o755);
    const renamed = join(lone, 'elsewhere', 'renamed-provider');
    copyFileSync(copied, renamed);
    const linked = join(tmpdir(), `sftoken-link-${String(process.pid)}`);
    symlinkSync(renamed, linked);
    try {
      for (const path of [copied, renamed, linked]) {
        const { line, stderr } = await handshake(path, [], '/', { SFTOKEN_CODE_CACHE_REPORT: '1' });
        expect(line, `${path}: ${stderr}`).toMatch(/^1\|6\|unix\|\/.+\|grpc\|[A-Za-z0-9+/]{100,}$/);
        expect(stderr, 'V8 takes the embedded code cache (else start-up is ~90 ms slower)').toContain('sftoken code cache: accepted');
      }
    } finally {
      rmSync(linked, { force: true });
    }
  });

  it.each(['linux_arm64', 'linux_amd64'].filter((p) => p !== host))('the %s executable reaches the handshake (under qemu user emulation)', async (platform) => {
    const archive = release.archives.find((a) => a.platform === platform);
    const [entry] = await readZip(join(release.dir, archive?.filename ?? ''));
    const path = join(root, `foreign-${platform}`);
    writeFileSync(path, entry?.data ?? new Uint8Array());
    chmodSync(path, 0o755);
    const command = await standaloneCommand(platform as 'linux_arm64', path);
    if (command === undefined) {
      // The release build fetches qemu whenever it can; without it the build said so and this is all we can say.
      expect.fail(`no qemu to run the ${platform} executable, so it is untested here`);
    }
    const { line, stderr } = await handshake(command.command, command.args, '/', { SFTOKEN_CODE_CACHE_REPORT: '1' });
    expect(line, stderr).toMatch(/^1\|6\|unix\|\/.+\|grpc\|[A-Za-z0-9+/]{100,}$/);
    expect(stderr, 'its code cache, written under the same emulation, is taken').toContain('sftoken code cache: accepted');
  }, 120_000);
});

describe.each(engines)('the release installed from a provider registry by $name $version', (engine: Engine) => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath = '';

  beforeAll(async () => {
    const cp = await useControlPlane();
    kc = cp.kubeConfig();
    kubeconfigPath = cp.kubeconfigPath;
    sandbox = await startCheckedSandbox({ rateLimits: false });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  function installedPath(dir: string, site: StaticSite): string {
    return join(dir, '.terraform', 'providers', site.host, 'storefront-token', 'sftoken', release.version, host, `terraform-provider-sftoken_v${release.version}`);
  }

  function workspace(name: string, site: StaticSite, body = '', source = `${site.host}/storefront-token/sftoken`, cliConfig = join(root, 'empty.tfrc')): { dir: string; run: (args: readonly string[]) => Promise<RunResult> } {
    const dir = join(root, `${engine.name}-${name}`);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'main.tf'),
      `terraform {
  required_providers {
    sftoken = { source = "${source}", version = "${release.version}" }
  }
}
provider "sftoken" {
  kubernetes { config_path = ${JSON.stringify(kubeconfigPath)} }
}
${body}`,
    );
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      SSL_CERT_FILE: join(root, 'ca.pem'),
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      TF_INPUT: '0',
      ...sandboxEnv(sandbox),
    };
    return {
      dir,
      run: (args) => runCommand(engine.binary, [...args, '-no-color'], { cwd: dir, env }),
    };
  }

  it('init installs the signed release, the lock file records its hashes, and the installed executable applies a token', async () => {
    const site = await registry(`${engine.name}-good`);
    const ns = await freshNamespace(kc);
    const p = sandbox.platforms;
    const ws = workspace('good', site, `
resource "sftoken_storefront_token" "av" {
  platform = "avvyr"
  avvyr    = { tenant_id = "${p.avvyr.tenantId}", allowed_origins = ["https://shop.example.test"] }
  secret   = { name = "av", namespace = "${ns}" }
}
`);
    const init = await ws.run(['init', '-input=false']);
    expect(init.code, all(init)).toBe(0);
    // Terraform says "self-signed" for a key that is not HashiCorp's, OpenTofu "signed": both name our key.
    expect(init.stdout).toContain(`Installed ${site.host}/storefront-token/sftoken v${release.version} (`);
    expect(init.stdout).toMatch(new RegExp(`signed, key ID ${release.keyId}\\)`));
    expect(site.requests, 'the engine asked the registry for each protocol document').toEqual(
      expect.arrayContaining([
        'GET /.well-known/terraform.json 200',
        'GET /v1/providers/storefront-token/sftoken/versions 200',
        `GET /v1/providers/storefront-token/sftoken/${release.version}/download/${host.replace('_', '/')} 200`,
        `GET /releases/${release.version}/${release.signature} 200`,
      ]),
    );

    const lock = readFileSync(join(ws.dir, '.terraform.lock.hcl'), 'utf8');
    const block = new RegExp(`provider "${site.host}/storefront-token/sftoken" \\{([^}]*)\\}`).exec(lock)?.[1] ?? '';
    expect(block, lock).toContain(`version     = "${release.version}"`);
    const hashes = [...block.matchAll(/"((?:h1|zh):[^"]+)"/g)].map((m) => m[1]).sort();
    const installedArchive = release.archives.find((a) => a.platform === host);
    const sums = readFileSync(join(release.dir, release.shasums), 'utf8').trim().split('\n').map((l) => `zh:${l.split(/\s+/)[0] ?? ''}`);
    expect(hashes, 'h1 of the installed package and zh of every signed checksum').toStrictEqual([installedArchive?.h1, ...sums].sort());

    const installed = installedPath(ws.dir, site);
    const [entry] = await readZip(join(release.dir, installedArchive?.filename ?? ''));
    expect(await sha256File(installed), 'the engine runs exactly the released executable').toBe(createHash('sha256').update(entry?.data ?? new Uint8Array()).digest('hex'));

    const apply = await ws.run(['apply', '-auto-approve', '-input=false']);
    expect(apply.code, all(apply)).toBe(0);
    const value = (await readSecret(kc, ns, 'av'))?.token ?? '';
    expect(value, 'the token reached its Secret').not.toBe('');
    expect(await useToken(sandbox, 'avvyr', value, 'https://shop.example.test')).toBe(200);
    const destroy = await ws.run(['destroy', '-auto-approve', '-input=false']);
    expect(destroy.code, all(destroy)).toBe(0);
    expect(await useToken(sandbox, 'avvyr', value, 'https://shop.example.test'), 'destroy revoked it').not.toBe(200);
  });

  it('init refuses a zip changed after signing', async () => {
    const archive = release.archives.find((a) => a.platform === host)?.filename ?? '';
    const site = await registry(`${engine.name}-zip`, (files) => {
      corrupt(join(files, archive));
    });
    const ws = workspace('zip', site);
    const init = await ws.run(['init', '-input=false']);
    expect(init.code, all(init)).toBe(1);
    expect(all(init)).toMatch(/checksum|does not match/i);
    expect(existsSync(installedPath(ws.dir, site)), 'nothing was installed').toBe(false);
  });

  it('init refuses a SHA256SUMS rewritten to match a changed zip, since its signature no longer holds', async () => {
    const archive = release.archives.find((a) => a.platform === host)?.filename ?? '';
    const site = await registry(`${engine.name}-sums`, (files, downloads) => {
      const zip = corrupt(join(files, archive));
      const sha = createHash('sha256').update(zip).digest('hex');
      const sums = readFileSync(join(files, release.shasums), 'utf8')
        .split('\n')
        .map((line) => (line.endsWith(`  ${archive}`) ? `${sha}  ${archive}` : line))
        .join('\n');
      writeFileSync(join(files, release.shasums), sums);
      const doc = join(downloads, ...host.split('_'));
      writeFileSync(doc, JSON.stringify({ ...(JSON.parse(readFileSync(doc, 'utf8')) as object), shasum: sha }));
    });
    const ws = workspace('sums', site);
    const init = await ws.run(['init', '-input=false']);
    expect(init.code, all(init)).toBe(1);
    expect(all(init)).toMatch(/signature|authenticat/i);
    expect(existsSync(installedPath(ws.dir, site)), 'nothing was installed').toBe(false);
  });

  it('init installs the release from a provider network mirror, checked against the h1 hash it lists', async () => {
    const dir = join(root, `mirror-${engine.name}`);
    mkdirSync(dir);
    const site = await serveDirectory(dir, tls);
    sites.push(site);
    for (const hostname of REGISTRY_HOSTS) await writeNetworkMirror(release, { dir: join(dir, 'providers'), hostname });
    const patterns = REGISTRY_HOSTS.map((h) => `"${h}/storefront-token/*"`).join(', ');
    const cliConfig = join(root, `mirror-${engine.name}.tfrc`);
    writeFileSync(cliConfig, `provider_installation {\n  network_mirror {\n    url     = "${site.url}/providers/"\n    include = [${patterns}]\n  }\n  direct { exclude = [${patterns}] }\n}\n`);
    const ws = workspace('mirror', site, '', 'storefront-token/sftoken', cliConfig);
    const init = await ws.run(['init', '-input=false']);
    expect(init.code, all(init)).toBe(0);
    const defaultHost = engine.name === 'tofu' ? 'registry.opentofu.org' : 'registry.terraform.io';
    expect(site.requests).toContain(`GET /providers/${defaultHost}/storefront-token/sftoken/${release.version}.json 200`);
    const archive = release.archives.find((a) => a.platform === host);
    expect(readFileSync(join(ws.dir, '.terraform.lock.hcl'), 'utf8')).toContain(`"${archive?.h1 ?? 'h1:?'}"`);
    const installed = join(ws.dir, '.terraform', 'providers', defaultHost, 'storefront-token', 'sftoken', release.version, host, `terraform-provider-sftoken_v${release.version}`);
    expect(existsSync(installed), installed).toBe(true);
  });
});
