import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect } from 'vitest';
import { installStandalone, type InstalledProvider } from '../../provider/tooling/install.js';
import { buildStandalone, hostPlatform } from '../../provider/tooling/sea.js';
import type { Engine } from '../../provider/tooling/engines.js';
import type { Sandbox } from '../../sandbox/index.js';
import { startCheckedSandbox } from '../../sandbox/testing/checked-sandbox.js';
import { useControlPlane } from '../controlplane/use-control-plane.js';
import { runCommand, type RunResult } from './harness.js';

// Helpers for the sftoken_storefront_token end-to-end tests: the real
// provider, as the standalone executable a release ships, installed into a
// temp filesystem mirror, workspaces whose
// environment points the provider at the sandbox and the control plane, and
// probes of the sandbox's token-use endpoints.

/** RealProvider is the production provider built and installed like a user gets it. */
export interface RealProvider {
  readonly root: string;
  /** executable is the standalone executable (in the build cache; hard-linked into the mirror). */
  readonly executable: string;
  readonly installed: InstalledProvider;
}

/**
 * prepareRealProvider builds the standalone executable of provider/main.ts
 * for this machine (cached by its inputs: the release's build, one platform)
 * and installs it into a temp mirror, so the tests run what a user installs.
 */
export async function prepareRealProvider(): Promise<RealProvider> {
  const root = mkdtempSync(join(tmpdir(), 'sftoken-token-e2e-'));
  const platform = hostPlatform();
  if (platform === undefined) throw new Error(`no standalone executable for ${process.platform} ${process.arch}`);
  const [standalone] = await buildStandalone({ platforms: [platform], log: () => undefined });
  if (standalone === undefined) throw new Error('buildStandalone returned no executable');
  return { root, executable: standalone.path, installed: installStandalone({ executable: standalone.path, root: join(root, 'install') }) };
}

/** sandboxEnv is the SFTOKEN_* environment that points every platform block at the sandbox. */
export function sandboxEnv(sandbox: Sandbox): Record<string, string> {
  const p = sandbox.platforms;
  return {
    SFTOKEN_BIGCOMMERCE_ACCESS_TOKEN: p.bigcommerce.accessToken,
    SFTOKEN_BIGCOMMERCE_BASE_URL: p.bigcommerce.baseUrl,
    SFTOKEN_CLOUDFLARE_API_TOKEN: p.cloudflare.apiToken,
    SFTOKEN_CLOUDFLARE_BASE_URL: p.cloudflare.baseUrl,
    SFTOKEN_WIZCOMMERCE_EMAIL: p.wizcommerce.email,
    SFTOKEN_WIZCOMMERCE_PASSWORD: p.wizcommerce.password,
    SFTOKEN_WIZCOMMERCE_BASE_URL: p.wizcommerce.baseUrl,
    SFTOKEN_AVVYR_API_KEY: p.avvyr.apiKey,
    SFTOKEN_AVVYR_BASE_URL: p.avvyr.baseUrl,
  };
}

/** TokenWorkspace is a root module driven by one engine against the sandbox and a cluster. */
export interface TokenWorkspace {
  readonly dir: string;
  /** write replaces main.tf. */
  write(hcl: string): void;
  /** run runs the engine; extraEnv is merged for this command only (e.g. TF_LOG); started sees the process (e.g. to kill it). */
  run(args: readonly string[], extraEnv?: Readonly<Record<string, string>>, started?: (child: ChildProcess) => void): Promise<RunResult>;
}

/** createTokenWorkspace makes a fresh root module directory with only our CLI config in effect. */
export function createTokenWorkspace(provider: RealProvider, engine: Engine, name: string, env: Readonly<Record<string, string>>): TokenWorkspace {
  const dir = join(provider.root, `${name}-${engine.name}`);
  mkdirSync(dir, { recursive: true });
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    TF_CLI_CONFIG_FILE: provider.installed.cliConfigPath,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_INPUT: '0',
    ...env,
  };
  return {
    dir,
    write(hcl) {
      writeFileSync(join(dir, 'main.tf'), hcl);
    },
    run(args, extraEnv = {}, onStart) {
      return runCommand(engine.binary, [...args, '-no-color'], { cwd: dir, env: { ...base, ...extraEnv }, ...(onStart === undefined ? {} : { onStart }) });
    },
  };
}

/** providerBlock is the HCL header every test module starts with. */
export function providerBlock(kubeconfigPath: string): string {
  return `terraform {
  required_providers {
    sftoken = { source = "storefront-token/sftoken", version = "0.1.0" }
  }
}
provider "sftoken" {
  kubernetes { config_path = ${JSON.stringify(kubeconfigPath)} }
}
`;
}

/** readSecret returns a Secret's data decoded, or undefined when it does not exist. */
export async function readSecret(kc: KubeConfig, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name, namespace });
    return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return undefined;
    throw error;
  }
}

/**
 * useToken calls the sandbox's token-use endpoint of a platform with a token
 * (docs/sandbox.md) and returns the HTTP status: 200 works, 401/403 refused.
 */
export async function useToken(sandbox: Sandbox, platform: 'bigcommerce' | 'cloudflare' | 'wizcommerce' | 'avvyr', value: string, origin?: string): Promise<number> {
  const p = sandbox.platforms;
  const originHeader: Record<string, string> = origin === undefined ? {} : { Origin: origin };
  const calls = {
    bigcommerce: () => fetch(`${p.bigcommerce.baseUrl}/stores/${p.bigcommerce.storeHash}/graphql`, { method: 'POST', headers: { Authorization: `Bearer ${value}`, 'Content-Type': 'application/json', ...originHeader }, body: JSON.stringify({ query: '{ site { settings { storeName } } }' }) }),
    cloudflare: () => fetch(`${p.cloudflare.baseUrl}/accounts/${p.cloudflare.accountId}/tokens/verify`, { headers: { Authorization: `Bearer ${value}` } }),
    wizcommerce: () => fetch(`${p.wizcommerce.baseUrl}/v1/products`, { headers: { 'X-API-Key': value } }),
    avvyr: () => fetch(`${p.avvyr.baseUrl}/storefront/v1/shop`, { headers: { 'X-Avvyr-Storefront-Token': value, ...originHeader } }),
  };
  const response = await calls[platform]();
  await response.arrayBuffer();
  return response.status;
}

/** all joins a command's outputs for assertion messages and leak scans. */
export function all(result: RunResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

/** A TokenWorld is what one engine's end-to-end block shares, set before its first test. */
export interface TokenWorld {
  readonly sandbox: Sandbox;
  readonly kc: KubeConfig;
  readonly kubeconfigPath: string;
}

/**
 * shareTokenWorld registers a describe block's hooks (the run's control
 * plane, a sandbox without rate limits (OpenAPI-checked), the provider bundle in a temp mirror,
 * all released after the block) and returns a function that opens an
 * initialised workspace holding the provider block plus the given HCL.
 */
export function shareTokenWorld(engine: Engine, prefix: string, receive: (world: TokenWorld) => void): (hcl: string) => Promise<TokenWorkspace> {
  let provider: RealProvider | undefined;
  let sandbox: Sandbox | undefined;
  let kubeconfigPath = '';
  let counter = 0;
  beforeAll(async () => {
    const cp = await useControlPlane();
    kubeconfigPath = cp.kubeconfigPath;
    sandbox = await startCheckedSandbox({ rateLimits: false });
    provider = await prepareRealProvider();
    receive({ sandbox, kc: cp.kubeConfig(), kubeconfigPath });
  });
  afterAll(async () => {
    await sandbox?.close();
    if (provider !== undefined) rmSync(provider.root, { recursive: true, force: true });
  });
  return async (hcl) => {
    if (provider === undefined || sandbox === undefined) throw new Error('shareTokenWorld: used before its beforeAll ran');
    counter += 1;
    const ws = createTokenWorkspace(provider, engine, `${prefix}${counter}`, sandboxEnv(sandbox));
    ws.write(providerBlock(kubeconfigPath) + hcl);
    const init = await ws.run(['init', '-input=false']);
    expect(init.code, all(init)).toBe(0);
    return ws;
  };
}
