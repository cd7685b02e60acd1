import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEngines } from '../../provider/tooling/engines.js';
import { startSandbox, type InventoryEntry, type PlatformName, type Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { useControlPlane } from '../controlplane/use-control-plane.js';
import { runCommand } from '../terraform/harness.js';
import { all, prepareRealProvider, readSecret, sandboxEnv, useToken, type RealProvider } from '../terraform/storefront-token-harness.js';
import { node22BinDir } from './node-for-cdktn.js';

// The CDK examples driven by the commands their users type: `cdktf deploy` /
// `cdktf destroy` (cdktf-cli 0.21) on examples/cdktf and `cdktn deploy` /
// `cdktn destroy` (cdktn-cli 0.24) on examples/cdktn, both CLIs from the
// project's devDependencies, with the released provider (the standalone
// executable, installed like test/terraform installs it) and the real
// terraform, against the sandbox and the local control plane. One stack, four
// steps: one token per platform, an origin change, a revocation, a destroy.
// Each step prints its time. --skip-provider-lock: on a first init both CLIs
// run `terraform providers lock`, which asks the origin registry and ignores
// the CLI config's filesystem mirror the provider is installed in.

const repo = fileURLToPath(new URL('../..', import.meta.url));
const terraform = (await resolveEngines({ buildOpenTofu: false })).engines.find((e) => e.name === 'terraform');

const CLIS = [
  { cli: 'cdktf', pkg: 'cdktf-cli', example: 'examples/cdktf', runtime: (): Promise<string | undefined> => Promise.resolve(undefined) },
  { cli: 'cdktn', pkg: 'cdktn-cli', example: 'examples/cdktn', runtime: (): Promise<string | undefined> => node22BinDir() },
] as const;

const OLD_ORIGIN = 'https://shop.example.test';
const NEW_ORIGIN = 'https://new.shop.test';
const SECRETS = { bigcommerce: ['storefront-bigcommerce', 'token'], cloudflare: ['storefront-cloudflare', 'token'], wizcommerce: ['storefront-wizcommerce', 'token'], avvyr: ['storefront-avvyr', 'AVVYR_STOREFRONT_TOKEN'] } as const;
const PLATFORMS = Object.keys(SECRETS) as PlatformName[];

function version(pkg: string): string {
  return (JSON.parse(readFileSync(join(repo, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/** fingerprint is the sandbox inventory's: the first 8 hex of the value's SHA-256 (sandbox/inventory.ts). */
function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

if (terraform === undefined) it.skip('CDK CLIs end to end — terraform is not on PATH and TERRAFORM_BINARY is unset', () => undefined);

describe.runIf(terraform !== undefined).each(CLIS)('$cli CLI on $example', ({ cli, pkg, example, runtime }) => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath: string;
  let provider: RealProvider;
  let binDir: string | undefined;
  beforeAll(async () => {
    const cp = await useControlPlane();
    kc = cp.kubeConfig();
    kubeconfigPath = cp.kubeconfigPath;
    sandbox = await startSandbox({ rateLimits: false });
    provider = await prepareRealProvider();
    binDir = await runtime();
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(provider.root, { recursive: true, force: true });
  });

  it(`${pkg} ${version(pkg)}: deploy one token per platform, an origin change, a revocation, then destroy`, async () => {
    const ns = await freshNamespace(kc, `sft-${cli}`);
    const out = join(provider.root, `${cli}.out`);
    mkdirSync(provider.root, { recursive: true });
    const env = {
      PATH: [binDir, process.env.PATH ?? '/usr/bin:/bin'].filter((p) => p !== undefined).join(':'),
      HOME: provider.root,
      TF_CLI_CONFIG_FILE: provider.installed.cliConfigPath,
      TERRAFORM_BINARY_NAME: terraform?.binary ?? 'terraform',
      CHECKPOINT_DISABLE: '1',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true',
      CI: '1',
      TF_IN_AUTOMATION: '1',
      ...sandboxEnv(sandbox),
      SFTOKEN_EXAMPLE_KUBECONFIG: kubeconfigPath,
      SFTOKEN_EXAMPLE_NAMESPACE: ns,
      SFTOKEN_EXAMPLE_STATE: join(provider.root, `${cli}.tfstate`),
    };
    const values = new Set<string>();
    const outputs: string[] = [];
    const step = async (name: string, command: 'deploy' | 'destroy', knobs: Record<string, string> = {}): Promise<void> => {
      const result = await runCommand(join(repo, 'node_modules', '.bin', cli), [command, '--auto-approve', '--skip-provider-lock', '--no-color', '--output', out], { cwd: join(repo, example), env: { ...env, ...knobs } });
      console.log(`[${cli}] ${cli} ${command} (${name}): ${(result.ms / 1000).toFixed(1)} s`);
      expect(result.code, `${cli} ${command} (${name}):\n${all(result).slice(-4000)}`).toBe(0);
      outputs.push(`${cli} ${command} (${name})\n${all(result)}`);
    };
    const secret = async (platform: PlatformName): Promise<Record<string, string> | undefined> => readSecret(kc, ns, SECRETS[platform][0]);
    const value = async (platform: PlatformName): Promise<string> => {
      const v = (await secret(platform))?.[SECRETS[platform][1]] ?? '';
      expect(v, `${platform} Secret`).not.toBe('');
      values.add(v);
      return v;
    };
    const active = (platform: PlatformName): InventoryEntry[] => sandbox.inventory(platform).filter((t) => t.state === 'active');

    // 1. One token per platform: each Secret holds the one active token, which works.
    await step('one token per platform', 'deploy');
    const first = Object.fromEntries(await Promise.all(PLATFORMS.map(async (p) => [p, await value(p)] as const))) as Record<PlatformName, string>;
    for (const p of PLATFORMS) {
      expect(active(p).map((t) => t.fingerprint), `${p}: the Secret holds the one active token`).toStrictEqual([fingerprint(first[p])]);
      expect(await useToken(sandbox, p, first[p], OLD_ORIGIN), `${p} token use`).toBe(200);
    }
    expect(active('avvyr')[0]?.origins).toStrictEqual([OLD_ORIGIN]);
    expect(active('bigcommerce')[0]?.origins).toStrictEqual([OLD_ORIGIN]);

    // 2. Origin change: BigCommerce rotates (the old token stays valid for the overlap), Avvyr updates in place.
    const moved = { SFTOKEN_EXAMPLE_ORIGINS: NEW_ORIGIN };
    await step('origin change', 'deploy', moved);
    const bc = await value('bigcommerce');
    expect(bc, 'BigCommerce issued a new token').not.toBe(first.bigcommerce);
    expect((await secret('bigcommerce'))?.previousToken, 'the previous token is published during the overlap').toBe(first.bigcommerce);
    expect(active('bigcommerce').find((t) => t.fingerprint === fingerprint(bc))?.origins).toStrictEqual([NEW_ORIGIN]);
    expect(active('bigcommerce').map((t) => t.fingerprint).sort(), 'old and new BigCommerce tokens during the overlap').toStrictEqual([fingerprint(first.bigcommerce), fingerprint(bc)].sort());
    expect(await useToken(sandbox, 'bigcommerce', bc, NEW_ORIGIN)).toBe(200);
    expect(await value('avvyr'), 'Avvyr keeps its token').toBe(first.avvyr);
    expect(active('avvyr').map((t) => [t.fingerprint, t.origins])).toStrictEqual([[fingerprint(first.avvyr), [NEW_ORIGIN]]]);
    expect(await useToken(sandbox, 'avvyr', first.avvyr, NEW_ORIGIN)).toBe(200);
    expect(await useToken(sandbox, 'avvyr', first.avvyr, OLD_ORIGIN), 'Avvyr refuses the removed origin').toBe(403);
    for (const p of ['cloudflare', 'wizcommerce'] as const) expect(await value(p), `${p} untouched`).toBe(first[p]);

    // 3. Revocation: WizCommerce's token is revoked at the platform and its Secret deleted (on_revoke Delete).
    await step('revocation', 'deploy', { ...moved, SFTOKEN_EXAMPLE_REVOKE: '1' });
    expect(sandbox.inventory('wizcommerce').map((t) => t.state)).toStrictEqual(['revoked']);
    expect(await useToken(sandbox, 'wizcommerce', first.wizcommerce)).toBe(401);
    expect(await secret('wizcommerce'), 'on_revoke Delete removes the Secret').toBeUndefined();
    expect(await value('cloudflare')).toBe(first.cloudflare);
    expect(active('cloudflare')).toHaveLength(1);

    // 4. Destroy (deletion_policy Revoke, the default): nothing stays valid, no Secret stays.
    await step('destroy', 'destroy', { ...moved, SFTOKEN_EXAMPLE_REVOKE: '1' });
    for (const p of PLATFORMS) {
      expect(active(p), `${p}: no active token after destroy`).toStrictEqual([]);
      expect(await secret(p), `${p} Secret after destroy`).toBeUndefined();
    }
    expect(await useToken(sandbox, 'avvyr', first.avvyr, NEW_ORIGIN)).toBe(401);

    // No command printed a token value.
    for (const output of outputs) for (const v of values) expect(output.includes(v), `${output.split('\n')[0] ?? ''} printed a token value`).toBe(false);
  }, 900_000);
});
