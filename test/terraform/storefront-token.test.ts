import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../core/platforms/registry.js';
import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import type { RunResult } from './harness.js';
import { all, providerBlock, readSecret, shareTokenWorld, useToken, type TokenWorkspace } from './storefront-token-harness.js';

// sftoken_storefront_token end to end: the real provider bundle, installed
// from a filesystem mirror, driven by every engine this machine has, against
// the real platform sandbox and the real local control plane.
const { engines, unavailable } = await resolveEngines();

it('has at least one Terraform-compatible engine to test with', () => {
  expect(engines.map((e) => e.name), `unavailable: ${JSON.stringify(unavailable)}`).not.toHaveLength(0);
});

for (const missing of unavailable) {
  it.skip(`${missing.name} storefront token end to end — unavailable: ${missing.reason}`, () => undefined);
}

const PERMISSION_GROUP = '6f7dc1aa798e6c8e0ddf671c48386a3c'; // the sandbox's "Account Settings Read"

interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[]; after_unknown?: Record<string, unknown> } }[];
}

describe.each(engines)('sftoken_storefront_token with $name $version', (engine: Engine) => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath: string;
  const workspace = shareTokenWorld(engine, 'ws', (world) => {
    ({ sandbox, kc, kubeconfigPath } = world);
  });

  const ok = (result: RunResult): void => {
    expect(result.code, all(result)).toBe(0);
  };

  const bigcommerce = (ns: string, origins: readonly string[], extra = ''): string => `
resource "sftoken_storefront_token" "bc" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "${sandbox.platforms.bigcommerce.storeHash}", channel_ids = [1], allowed_cors_origins = ${JSON.stringify(origins)} }
  lifetime    = { ttl = "1h" }
  rotation    = { overlap = "2s" }
  secret      = { name = "bc", namespace = "${ns}" }
${extra}
}`;
  const cloudflare = (ns: string, extra = '', secretExtra = ''): string => `
resource "sftoken_storefront_token" "cf" {
  platform   = "cloudflare"
  cloudflare = {
    account_id = "${sandbox.platforms.cloudflare.accountId}"
    policies   = [{ permission_groups = ["${PERMISSION_GROUP}"], resources = { "com.cloudflare.api.account.${sandbox.platforms.cloudflare.accountId}" = "*" } }]
  }
  secret     = { name = "cf", namespace = "${ns}"${secretExtra} }
${extra}
}`;
  const wizcommerce = (ns: string, extra = ''): string => `
resource "sftoken_storefront_token" "wiz" {
  platform    = "wizcommerce"
  wizcommerce = { account_email = "${sandbox.platforms.wizcommerce.email}" }
  secret      = { name = "wiz", namespace = "${ns}" }
${extra}
}`;
  const avvyr = (ns: string, origins: readonly string[], extra = ''): string => `
resource "sftoken_storefront_token" "av" {
  platform = "avvyr"
  avvyr    = { tenant_id = "${sandbox.platforms.avvyr.tenantId}", allowed_origins = ${JSON.stringify(origins)} }
  secret   = { name = "av", namespace = "${ns}", keys = { token = "AVVYR_TOKEN" } }
${extra}
}`;

  async function planJson(ws: TokenWorkspace): Promise<PlanJson> {
    ok(await ws.run(['plan', '-input=false', '-out=tfplan']));
    const shown = await ws.run(['show', '-json', 'tfplan']);
    ok(shown);
    return JSON.parse(shown.stdout) as PlanJson;
  }

  function state(ws: TokenWorkspace): string {
    return readFileSync(join(ws.dir, 'terraform.tfstate'), 'utf8');
  }

  it('apply delivers a working token per platform to its Secret, and state holds only its fingerprint', async () => {
    const ns = await freshNamespace(kc);
    const origin = 'https://shop.example.test';
    const ws = await workspace(bigcommerce(ns, [origin]) + cloudflare(ns) + wizcommerce(ns) + avvyr(ns, [origin]));
    ok(await ws.run(['validate']));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const tfstate = state(ws);
    const cases = [
      { platform: 'bigcommerce', secret: 'bc', key: 'token', origin },
      { platform: 'cloudflare', secret: 'cf', key: 'token' },
      { platform: 'wizcommerce', secret: 'wiz', key: 'token' },
      { platform: 'avvyr', secret: 'av', key: 'AVVYR_TOKEN', origin },
    ] as const;
    for (const c of cases) {
      const data = await readSecret(kc, ns, c.secret);
      const value = data?.[c.key] ?? '';
      expect(value, `${c.platform} Secret`).not.toBe('');
      expect(await useToken(sandbox, c.platform, value, 'origin' in c ? c.origin : undefined), `${c.platform} token use`).toBe(200);
      expect(tfstate).toContain(new SecretValue(value).fingerprint);
      expect(tfstate, `${c.platform} value must not be in state`).not.toContain(value);
    }
    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `a second plan must be empty:\n${all(again)}`).toBe(0);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('an origin change updates Avvyr in place, rotates BigCommerce with an overlap, and leaves one active token after it', async () => {
    const ns = await freshNamespace(kc);
    const before = 'https://old.shop.test';
    const after = 'https://new.shop.test';
    const ws = await workspace(bigcommerce(ns, [before]) + avvyr(ns, [before]));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const oldBc = (await readSecret(kc, ns, 'bc'))?.token ?? '';
    const oldAv = (await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN ?? '';

    ws.write(providerBlock(kubeconfigPath) + bigcommerce(ns, [after]) + avvyr(ns, [after]));
    const plan = await planJson(ws);
    const change = (address: string) => plan.resource_changes?.find((r) => r.address === address)?.change;
    expect(change('sftoken_storefront_token.av')?.actions, 'Avvyr origins change in place').toStrictEqual(['update']);
    expect(change('sftoken_storefront_token.av')?.after_unknown?.['fingerprint'], 'Avvyr keeps its token').toBeFalsy();
    expect(change('sftoken_storefront_token.bc')?.actions, 'BigCommerce is not replaced').toStrictEqual(['update']);
    expect(change('sftoken_storefront_token.bc')?.after_unknown?.['fingerprint'], 'BigCommerce issues a new token').toBe(true);

    ok(await ws.run(['apply', '-auto-approve', '-input=false', 'tfplan']));
    const bcSecret = await readSecret(kc, ns, 'bc');
    const newBc = bcSecret?.token ?? '';
    expect(newBc).not.toBe(oldBc);
    expect(bcSecret?.previousToken, 'the previous token is published during the overlap').toBe(oldBc);
    expect(await useToken(sandbox, 'bigcommerce', newBc, after)).toBe(200);
    expect(await useToken(sandbox, 'bigcommerce', oldBc, before), 'the previous token still works during the overlap').toBe(200);
    expect((await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN).toBe(oldAv);
    expect(await useToken(sandbox, 'avvyr', oldAv, after)).toBe(200);
    expect(await useToken(sandbox, 'avvyr', oldAv, before), 'Avvyr refuses the removed origin').toBe(403);

    await sleep(2500);
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const active = sandbox.inventory('bigcommerce').filter((t) => t.state === 'active');
    expect(active, 'exactly one active BigCommerce token after the overlap').toHaveLength(1);
    expect(await useToken(sandbox, 'bigcommerce', oldBc, before)).toBe(401);
    expect((await readSecret(kc, ns, 'bc'))?.previousToken).toBeUndefined();
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('revoked = true revokes at the platform, the token is refused, and it cannot be set back', async () => {
    const ns = await freshNamespace(kc);
    const ws = await workspace(wizcommerce(ns) + cloudflare(ns));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const wiz = (await readSecret(kc, ns, 'wiz'))?.token ?? '';
    const cf = (await readSecret(kc, ns, 'cf'))?.token ?? '';
    ws.write(providerBlock(kubeconfigPath) + wizcommerce(ns, '  revoked = true') + cloudflare(ns, '  revoked = true', ', on_revoke = "Delete"'));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    expect(await useToken(sandbox, 'wizcommerce', wiz)).toBe(401);
    expect(await useToken(sandbox, 'cloudflare', cf)).toBe(401);
    expect((await readSecret(kc, ns, 'wiz'))?.token, 'on_revoke Empty keeps the Secret with an empty token').toBe('');
    expect(await readSecret(kc, ns, 'cf'), 'on_revoke Delete removes the Secret').toBeUndefined();
    const settled = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(settled.code, all(settled)).toBe(0);

    ws.write(providerBlock(kubeconfigPath) + wizcommerce(ns, '  revoked = false'));
    const back = await ws.run(['plan', '-input=false']);
    expect(back.code).toBe(1);
    expect(all(back)).toMatch(/Revocation Is Permanent/);
  });

  it('destroy revokes under deletion_policy Revoke and leaves the token under Orphan', async () => {
    const ns = await freshNamespace(kc);
    const ws = await workspace(avvyr(ns, [], '  deletion_policy = "Orphan"') + bigcommerce(ns, ['https://shop.example.test']));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const av = (await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN ?? '';
    const bc = (await readSecret(kc, ns, 'bc'))?.token ?? '';
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
    expect(await useToken(sandbox, 'bigcommerce', bc, 'https://shop.example.test'), 'BigCommerce revoked with the value read back from the Secret').toBe(401);
    expect(await readSecret(kc, ns, 'bc')).toBeUndefined();
    expect(await useToken(sandbox, 'avvyr', av), 'the orphaned token keeps working').toBe(200);
    expect((await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN).toBe(av);
  });

  it('a deleted Secret is detected by refresh and republished from the kept copy by the next apply', async () => {
    const ns = await freshNamespace(kc);
    const ws = await workspace(avvyr(ns, ['https://shop.example.test']));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const old = (await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN ?? '';
    const issued = sandbox.inventory('avvyr').length;
    const { CoreV1Api } = await import('@kubernetes/client-node');
    await kc.makeApiClient(CoreV1Api).deleteNamespacedSecret({ name: 'av', namespace: ns });
    const plan = await ws.run(['plan', '-input=false']);
    expect(all(plan), "refresh reports the missing Secret").toMatch(/"secret_missing"/);
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    expect((await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN, 'the same token is published again').toBe(old);
    expect(sandbox.inventory('avvyr'), 'nothing new was issued').toHaveLength(issued);
    expect(await useToken(sandbox, 'avvyr', old)).toBe(200);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('a Secret lost with its state Secret is reported as secret_lost, and the next apply issues a new token and revokes the lost one', async () => {
    const ns = await freshNamespace(kc);
    const ws = await workspace(avvyr(ns, ['https://shop.example.test']));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const old = (await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN ?? '';
    const { CoreV1Api } = await import('@kubernetes/client-node');
    const core = kc.makeApiClient(CoreV1Api);
    await core.deleteNamespacedSecret({ name: 'av', namespace: ns });
    await core.deleteNamespacedSecret({ name: 'sftoken-tfstate-av', namespace: ns });
    const plan = await ws.run(['plan', '-input=false']);
    expect(all(plan), 'refresh reports that no copy is kept').toMatch(/"secret_lost"/);
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const fresh = (await readSecret(kc, ns, 'av'))?.AVVYR_TOKEN ?? '';
    expect(fresh).not.toBe('');
    expect(fresh).not.toBe(old);
    expect(await useToken(sandbox, 'avvyr', fresh)).toBe(200);
    expect(await useToken(sandbox, 'avvyr', old), 'the lost token is revoked').toBe(401);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('import adopts a Cloudflare token by account_id/token_id and the next apply delivers a value', async () => {
    const ns = await freshNamespace(kc);
    const cf = sandbox.platforms.cloudflare;
    const client = adapterFor('cloudflare').connect({ baseUrl: cf.baseUrl, credentials: { apiToken: new SecretValue(cf.apiToken) } });
    const spec = storefrontTokenSpecSchema.parse({
      platform: 'cloudflare',
      cloudflare: { accountId: cf.accountId, policies: [{ effect: 'allow', permissionGroups: [PERMISSION_GROUP], resources: { [`com.cloudflare.api.account.${cf.accountId}`]: '*' } }] },
      revoked: false,
      deletionPolicy: 'Revoke',
      secret: { name: 'cf', namespace: ns },
    });
    const existing = await client.issue({ spec, name: 'cf', idempotencyKey: 'import-test' });
    const ws = await workspace(cloudflare(ns));
    const imported = await ws.run(['import', '-input=false', 'sftoken_storefront_token.cf', existing.ref.id ?? '']);
    ok(imported);
    const plan = await ws.run(['plan', '-input=false']);
    ok(plan);
    expect(all(plan)).toMatch(/Imported Token Will Be Replaced/);
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const value = (await readSecret(kc, ns, 'cf'))?.token ?? '';
    expect(await useToken(sandbox, 'cloudflare', value)).toBe(200);
    expect((await readSecret(kc, ns, 'cf'))?.tokenId, 'rolled in place: same token id').toBe(existing.ref.id);
    expect(await useToken(sandbox, 'cloudflare', existing.value.reveal()), 'the unseen old value died with the roll').toBe(401);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('fails to import a BigCommerce token with a diagnostic that says why', async () => {
    const ws = await workspace(bigcommerce('default', ['https://shop.example.test']));
    const result = await ws.run(['import', '-input=false', 'sftoken_storefront_token.bc', 'bigcommerce:sbx/abc']);
    expect(result.code).toBe(1);
    expect(all(result)).toMatch(/Import Not Supported/);
    expect(all(result)).toMatch(/no endpoint to look a token up/);
  });

  it('validate reports the shared schema rules on their attributes', async () => {
    const ws = await workspace(`
resource "sftoken_storefront_token" "bad" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "abc", channel_ids = [1], allowed_cors_origins = ["https://a.test", "https://b.test", "https://c.test"] }
  secret      = { name = "Bad_Name" }
}
resource "sftoken_storefront_token" "slash" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "abc", channel_ids = [1], allowed_cors_origins = ["https://a.test/"] }
  secret      = { name = "ok" }
}`);
    const result = await ws.run(['validate', '-json']);
    expect(result.code).toBe(1);
    type Diag = { summary: string; detail: string; range?: { start: { line: number } } };
    const parsed = JSON.parse(result.stdout) as { diagnostics: Diag[] };
    const details = parsed.diagnostics.map((d) => d.detail).join('\n');
    expect(details).toMatch(/bigcommerce\.allowed_cors_origins BigCommerce accepts at most 2 origins/);
    expect(details).toMatch(/secret\.name must be a valid Kubernetes object name/);
    expect(details).toMatch(/bigcommerce\.allowed_cors_origins\[0\] must not end with a slash/);
    const lineOf = (pattern: RegExp): number | undefined => parsed.diagnostics.find((d) => pattern.test(d.detail))?.range?.start.line;
    expect(lineOf(/at most 2 origins/), 'points at the bigcommerce attribute').toBe(12);
    expect(lineOf(/secret\.name/), 'points at the secret attribute').toBe(13);
    expect(lineOf(/allowed_cors_origins\[0\] must not end with a slash/), 'list items are named by index').toBe(17);
  });
});
