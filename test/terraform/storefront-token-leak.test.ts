import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretValue } from '../../core/secret.js';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import type { Sandbox } from '../../sandbox/index.js';
import { startCheckedSandbox } from '../../sandbox/testing/checked-sandbox.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { useControlPlane } from '../controlplane/use-control-plane.js';
import { all, createTokenWorkspace, prepareRealProvider, providerBlock, readSecret, sandboxEnv, type RealProvider } from './storefront-token-harness.js';

// The leak test: a full life cycle (create on every platform, an origin
// change that rotates, a revocation, destroy) with TF_LOG=trace, then every
// value the sandbox ever issued in the run (its own record, not Secrets
// sampled at a few moments, so a value that lived between two samples is
// searched for too) is searched for in plan and apply output, the state
// files and the trace logs. Zero hits. Fingerprints must be found, which
// proves the scanned text is the real thing and the search can fail.
const { engines, unavailable } = await resolveEngines();

it('has at least one Terraform-compatible engine for the leak test', () => {
  expect(engines.map((e) => e.name), `unavailable: ${JSON.stringify(unavailable)}`).not.toHaveLength(0);
});

const PERMISSION_GROUP = '6f7dc1aa798e6c8e0ddf671c48386a3c';

describe.each(engines)('no token value leaks with $name $version', (engine: Engine) => {
  let provider: RealProvider;
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath: string;

  beforeAll(async () => {
    const cp = await useControlPlane();
    kc = cp.kubeConfig();
    kubeconfigPath = cp.kubeconfigPath;
    sandbox = await startCheckedSandbox({ rateLimits: false, retainIssuedValues: true });
    provider = await prepareRealProvider();
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(provider.root, { recursive: true, force: true });
  });

  it('plan and apply output, state and TF_LOG=trace logs never contain an issued value', async () => {
    const ns = await freshNamespace(kc);
    const ws = createTokenWorkspace(provider, engine, 'leak', sandboxEnv(sandbox));
    const p = sandbox.platforms;
    const config = (origin: string, revoked: boolean): string =>
      providerBlock(kubeconfigPath) +
      `
resource "sftoken_storefront_token" "bc" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "${p.bigcommerce.storeHash}", channel_ids = [1], allowed_cors_origins = ["${origin}"] }
  lifetime    = { ttl = "1h" }
  secret      = { name = "bc", namespace = "${ns}" }
}
resource "sftoken_storefront_token" "cf" {
  platform   = "cloudflare"
  cloudflare = { account_id = "${p.cloudflare.accountId}", policies = [{ permission_groups = ["${PERMISSION_GROUP}"], resources = { "com.cloudflare.api.account.${p.cloudflare.accountId}" = "*" } }] }
  secret     = { name = "cf", namespace = "${ns}" }
}
resource "sftoken_storefront_token" "wiz" {
  platform    = "wizcommerce"
  wizcommerce = { account_email = "${p.wizcommerce.email}" }
  revoked     = ${String(revoked)}
  secret      = { name = "wiz", namespace = "${ns}" }
}
resource "sftoken_storefront_token" "av" {
  platform = "avvyr"
  avvyr    = { tenant_id = "${p.avvyr.tenantId}", allowed_origins = ["${origin}"] }
  secret   = { name = "av", namespace = "${ns}" }
}
`;
    const outputs: string[] = [];
    const before = new Set(sandbox.issuedValues());
    const logs = join(ws.dir, 'logs');
    let step = 0;
    const run = async (args: readonly string[]): Promise<void> => {
      step += 1;
      const result = await ws.run(args, { TF_LOG: 'trace', TF_LOG_PATH: join(ws.dir, `trace-${step}.log`) });
      outputs.push(all(result));
      expect(result.code, all(result)).toBe(0);
    };
    const delivered = new Set<string>();
    const collect = async (): Promise<void> => {
      for (const name of ['bc', 'cf', 'wiz', 'av']) {
        const v = (await readSecret(kc, ns, name))?.['token'];
        if (v !== undefined && v !== '') delivered.add(v);
      }
    };

    ws.write(config('https://one.shop.test', false));
    await run(['init', '-input=false']);
    await run(['plan', '-input=false']);
    await run(['apply', '-auto-approve', '-input=false']);
    await collect();
    ws.write(config('https://two.shop.test', false));
    await run(['plan', '-input=false']);
    await run(['apply', '-auto-approve', '-input=false']);
    await collect();
    ws.write(config('https://two.shop.test', true));
    await run(['apply', '-auto-approve', '-input=false']);
    await collect();
    await run(['destroy', '-auto-approve', '-input=false']);

    const values = new Set(sandbox.issuedValues().filter((v) => !before.has(v)));
    expect(values.size, 'tokens issued: 4 at create, 1 rotated BigCommerce token').toBeGreaterThanOrEqual(5);
    expect([...delivered].filter((v) => !values.has(v)).length, 'every value the Secrets held is one the sandbox reports issuing').toBe(0);
    const files = readdirSync(ws.dir).filter((f) => f.startsWith('trace-') || f.startsWith('terraform.tfstate'));
    expect(files.filter((f) => f.startsWith('trace-')).length).toBe(step);
    const corpus = [...outputs, ...files.map((f) => readFileSync(join(ws.dir, f), 'utf8')), ...(existsSync(logs) ? [readFileSync(logs, 'utf8')] : [])].join('\n');
    const hits = [...values].filter((v) => corpus.includes(v)).map((v) => new SecretValue(v).fingerprint);
    expect(hits, 'fingerprints of leaked values').toStrictEqual([]);
    const seen = [...values].filter((v) => corpus.includes(new SecretValue(v).fingerprint));
    expect(seen.length, 'the scanned text does mention the tokens by fingerprint').toBeGreaterThan(0);
    expect(corpus.length, 'trace logs were written').toBeGreaterThan(100_000);
  });
});
