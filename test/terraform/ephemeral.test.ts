import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '../../core/secret.js';
import { missingFeature, resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import { CF_PERMISSION_GROUPS, type Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import type { RunResult } from './harness.js';
import { all, providerBlock, readSecret, shareTokenWorld, useToken, type TokenWorkspace } from './storefront-token-harness.js';

// The ephemeral sftoken_token_value end to end: a managed Cloudflare token
// allowed to manage tokens is opened from its Secret and configures an
// aliased sftoken provider, which manages a second token with it. Every
// value the sandbox issued is then searched for in plan output, the saved
// plan (`show -json`), state and TF_LOG=trace logs: zero hits.
const { engines, unavailable } = await resolveEngines();
const capable = engines.filter((e) => missingFeature(e, 'ephemeralResources') === undefined);

it('has an engine with ephemeral resources', () => {
  expect(capable.map((e) => `${e.name} ${e.version}`), `engines: ${JSON.stringify(engines)}, unavailable: ${JSON.stringify(unavailable)}`).not.toHaveLength(0);
});

for (const engine of engines.filter((e) => !capable.includes(e))) {
  it.skip(`${engine.name} ${engine.version} ephemeral token value — engine without ephemeral resources: ${missingFeature(engine, 'ephemeralResources') ?? ''}`, () => undefined);
}
for (const missing of unavailable) {
  it.skip(`${missing.name} ephemeral token value — unavailable: ${missing.reason}`, () => undefined);
}

const groupId = (name: string): string => {
  const group = CF_PERMISSION_GROUPS.find((g) => g.name === name);
  if (group === undefined) throw new Error(`the sandbox has no permission group ${name}`);
  return group.id;
};

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

describe.each(capable)('ephemeral sftoken_token_value with $name $version', (engine: Engine) => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath = '';
  const workspace = shareTokenWorld(engine, 'eph', (world) => {
    ({ sandbox, kc, kubeconfigPath } = world);
  });

  // The manager token may manage the account's tokens; its value, opened
  // ephemerally, is the only Cloudflare credential of the "delegated"
  // provider, which manages the worker token with it.
  const config = (ns: string, extra = ''): string => {
    const account = sandbox.platforms.cloudflare.accountId;
    const resources = `{ "com.cloudflare.api.account.${account}" = "*" }`;
    return `
resource "sftoken_storefront_token" "manager" {
  platform   = "cloudflare"
  cloudflare = { account_id = "${account}", policies = [{ permission_groups = ["${groupId('Account API Tokens Write')}"], resources = ${resources} }] }
  secret     = { name = "manager", namespace = "${ns}" }
}

ephemeral "sftoken_token_value" "manager" {
  name                = sftoken_storefront_token.manager.secret.name
  namespace           = sftoken_storefront_token.manager.secret.namespace
  storefront_token_id = sftoken_storefront_token.manager.id
}

provider "sftoken" {
  alias = "delegated"
  cloudflare { api_token = ephemeral.sftoken_token_value.manager.value }
  kubernetes { config_path = ${JSON.stringify(kubeconfigPath)} }
}

resource "sftoken_storefront_token" "worker" {
  provider   = sftoken.delegated
  platform   = "cloudflare"
  cloudflare = { account_id = "${account}", policies = [{ permission_groups = ["${groupId('Workers Scripts Read')}"], resources = ${resources} }] }
  secret     = { name = "worker", namespace = "${ns}" }
}
${extra}`;
  };

  it('opens the managed token from its Secret to configure a provider that manages another token, and no issued value reaches plan, state or trace logs', async () => {
    const ns = await freshNamespace(kc);
    const issuedBefore = new Set(sandbox.inventory('cloudflare').map((t) => t.id));
    const ws: TokenWorkspace = await workspace(config(ns));
    const outputs: string[] = [];
    let step = 0;
    const run = async (args: readonly string[]): Promise<RunResult> => {
      step += 1;
      const result = await ws.run(args, { TF_LOG: 'trace', TF_LOG_PATH: join(ws.dir, `trace-${String(step)}.log`) });
      outputs.push(all(result));
      return result;
    };
    const ok = async (args: readonly string[]): Promise<RunResult> => {
      const result = await run(args);
      expect(result.code, all(result)).toBe(0);
      return result;
    };

    // First run: the manager does not exist yet, so its id (and the value) is unknown at plan time.
    await ok(['plan', '-input=false', '-out=tfplan']);
    await ok(['show', '-json', 'tfplan']);
    await ok(['apply', '-input=false', 'tfplan']);
    const manager = await readSecret(kc, ns, 'manager');
    const worker = await readSecret(kc, ns, 'worker');
    expect(manager?.['token'], 'the manager token was delivered').toBeTruthy();
    expect(worker?.['token'], 'the worker token was delivered by the delegated provider').toBeTruthy();
    const values = [manager?.['token'] ?? '', worker?.['token'] ?? ''];
    expect(await useToken(sandbox, 'cloudflare', values[1] ?? '')).toBe(200);
    const managerEntry = sandbox.inventory('cloudflare').find((t) => t.fingerprint === sha256(values[0] ?? '').slice(0, 8));
    expect(managerEntry?.lastUsedAt, 'the worker was created with the manager token, not the admin credential').not.toBeNull();

    // Second run: the manager is in state, so the value is opened at plan time and the worker is refreshed with it.
    const replan = await ok(['plan', '-input=false', '-detailed-exitcode', '-out=tfplan2']);
    expect(replan.stdout).toMatch(/No changes/);
    await ok(['show', '-json', 'tfplan2']);

    // Diagnostics name the attribute to fix: a missing Secret, a missing key, a token not delivered yet.
    await kc.makeApiClient(CoreV1Api).deleteNamespacedSecret({ name: 'worker', namespace: ns });
    ws.write(providerBlock(kubeconfigPath) + config(ns, `
ephemeral "sftoken_token_value" "absent" {
  name      = "absent"
  namespace = "${ns}"
}
ephemeral "sftoken_token_value" "wrong_key" {
  name      = "manager"
  namespace = "${ns}"
  key       = "apiToken"
}
ephemeral "sftoken_token_value" "undelivered" {
  name      = "worker"
  namespace = "${ns}"
}
`));
    const failed = await run(['plan', '-input=false', '-refresh=false']);
    expect(failed.code).toBe(1);
    const text = all(failed);
    expect(text).toMatch(/Secret Not Found[\s\S]*name\s+= "absent"/);
    expect(text).toMatch(/Secret Key Not Found[\s\S]*key\s+= "apiToken"/);
    expect(text).toMatch(/has the keys\s+"expiresAt",\s+"origins",\s+"token",\s+"tokenId"/);
    expect(text).toMatch(/Token Not Yet Delivered[\s\S]*name\s+= "worker"/);
    ws.write(providerBlock(kubeconfigPath) + config(ns));

    const destroyed = await ok(['destroy', '-auto-approve', '-input=false']);
    expect(destroyed.stdout).toMatch(/Destroy complete! Resources: 2 destroyed/);
    const issued = sandbox.inventory('cloudflare').filter((t) => !issuedBefore.has(t.id));
    expect(issued.map((t) => t.state), 'both tokens revoked; the worker by the delegated provider').toStrictEqual(['revoked', 'revoked']);
    expect(issued.map((t) => t.fingerprint).sort(), 'every token the sandbox issued in this test is scanned').toStrictEqual(values.map((v) => sha256(v).slice(0, 8)).sort());

    const traces = readdirSync(ws.dir).filter((f) => f.startsWith('trace-'));
    expect(traces).toHaveLength(step);
    const files = [...traces, ...['terraform.tfstate', 'terraform.tfstate.backup'].filter((f) => existsSync(join(ws.dir, f)))];
    const corpus = [...outputs, ...files.map((f) => readFileSync(join(ws.dir, f), 'utf8'))].join('\n');
    expect(corpus, 'the engine opened the ephemeral resource through the provider').toMatch(/OpenEphemeralResource/);
    const hits = values.filter((v) => corpus.includes(v)).map((v) => new SecretValue(v).fingerprint);
    expect(hits, 'fingerprints of leaked values').toStrictEqual([]);
    expect(values.filter((v) => corpus.includes(new SecretValue(v).fingerprint)), 'the scanned text names both tokens by fingerprint').toHaveLength(2);
  }, 300_000); // eight engine commands at trace level, each starting several provider processes
});
