import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import type { InventoryEntry, Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import type { RunResult } from './harness.js';
import { all, providerBlock, readSecret, shareTokenWorld, useToken, type TokenWorkspace } from './storefront-token-harness.js';

// The recovery paths of sftoken_storefront_token end to end, with the real
// provider bundle, every engine this machine has, the real sandbox and the
// real local control plane: a create whose answer is lost after the platform
// committed it, importing an Avvyr token, and the expose_value opt-in.
const { engines, unavailable } = await resolveEngines();

it('has at least one Terraform-compatible engine for the recovery tests', () => {
  expect(engines.map((e) => e.name), `unavailable: ${JSON.stringify(unavailable)}`).not.toHaveLength(0);
});

for (const missing of unavailable) {
  it.skip(`${missing.name} storefront token recovery — unavailable: ${missing.reason}`, () => undefined);
}

const PERMISSION_GROUP = '6f7dc1aa798e6c8e0ddf671c48386a3c'; // the sandbox's "Account Settings Read"

// A BigCommerce value is a JWT, Avvyr's starts avsf_, Cloudflare's cfat_:
// none of these shapes may show up in anything terraform prints.
const VALUE_SHAPES = [/eyJ[\w-]+\.eyJ[\w-]+\./, /avsf_[A-Za-z0-9]{8,}/, /cfat_[A-Za-z0-9]{20,}/];

/** sandboxFingerprint is the inventory's fingerprint of a value: the first 8 hex of its SHA-256. */
function sandboxFingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

describe.each(engines)('sftoken_storefront_token recovery with $name $version', (engine: Engine) => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath: string;
  const workspace = shareTokenWorld(engine, 'rec', (world) => {
    ({ sandbox, kc, kubeconfigPath } = world);
  });
  afterEach(() => {
    // A fault left unconsumed by a failed test must not break the next one.
    for (const platform of ['avvyr', 'cloudflare', 'bigcommerce'] as const) sandbox.setFaults({ dropAfterCommit: 0 }, platform);
  });

  const ok = (result: RunResult): void => {
    expect(result.code, all(result)).toBe(0);
  };

  const noValueShapes = (text: string, what: string): void => {
    for (const shape of VALUE_SHAPES) expect(text, `${what} must not carry a token value`).not.toMatch(shape);
  };

  function state(ws: TokenWorkspace): string {
    return readFileSync(join(ws.dir, 'terraform.tfstate'), 'utf8');
  }

  // Tokens are named after their Secret (Cloudflare appends its in-doubt marker),
  // and each test uses its own Secret name, so a name prefix picks one test's tokens.
  const tokensNamed = (platform: 'avvyr' | 'cloudflare' | 'bigcommerce', name: string): InventoryEntry[] =>
    sandbox.inventory(platform).filter((t) => t.name === name || t.name.startsWith(`${name} ·sft:`));

  // Counting sandbox calls proves the fault fired and the recovery path ran,
  // so a test that passed through the happy path would fail.
  const calls = (platform: 'avvyr' | 'cloudflare' | 'bigcommerce', operation: string | undefined, status: number): number =>
    sandbox
      .stats()
      .rows.filter((r) => r.platform === platform && (operation === undefined || r.operation === operation) && r.status === status)
      .reduce((n, r) => n + r.count, 0);

  const avvyr = (ns: string, name: string, origins: readonly string[], extra = ''): string => `
resource "sftoken_storefront_token" "av" {
  platform = "avvyr"
  avvyr    = { tenant_id = "${sandbox.platforms.avvyr.tenantId}", allowed_origins = ${JSON.stringify(origins)} }
  secret   = { name = "${name}", namespace = "${ns}" }
${extra}
}`;
  const cloudflare = (ns: string, name: string): string => `
resource "sftoken_storefront_token" "cf" {
  platform   = "cloudflare"
  cloudflare = {
    account_id = "${sandbox.platforms.cloudflare.accountId}"
    policies   = [{ permission_groups = ["${PERMISSION_GROUP}"], resources = { "com.cloudflare.api.account.${sandbox.platforms.cloudflare.accountId}" = "*" } }]
  }
  secret     = { name = "${name}", namespace = "${ns}" }
}`;
  const bigcommerce = (ns: string, name: string): string => `
resource "sftoken_storefront_token" "bc" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "${sandbox.platforms.bigcommerce.storeHash}", channel_ids = [1], allowed_cors_origins = ["https://shop.example.test"] }
  lifetime    = { ttl = "1h" }
  secret      = { name = "${name}", namespace = "${ns}" }
}`;

  it('Avvyr: a create committed but unanswered is replayed, the replayed token revoked, and one working token delivered', async () => {
    const ns = await freshNamespace(kc);
    const ws = await workspace(avvyr(ns, 'av-doubt', ['https://shop.example.test']));
    const dropped = calls('avvyr', undefined, 0);
    const replays = calls('avvyr', 'createTenantStorefrontToken', 200);
    sandbox.setFaults({ dropAfterCommit: 1 }, 'avvyr');
    const apply = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(apply);
    noValueShapes(all(apply), 'apply output');
    expect(calls('avvyr', undefined, 0) - dropped, 'the fault dropped one committed create').toBe(1);
    expect(calls('avvyr', 'createTenantStorefrontToken', 200) - replays, 'the create was replayed by its idempotency key').toBeGreaterThanOrEqual(1);

    const value = (await readSecret(kc, ns, 'av-doubt'))?.token ?? '';
    expect(value).not.toBe('');
    expect(await useToken(sandbox, 'avvyr', value)).toBe(200);
    const tokens = tokensNamed('avvyr', 'av-doubt');
    expect(tokens.length, 'the dropped create landed, then a fresh one was issued').toBeGreaterThanOrEqual(2);
    const active = tokens.filter((t) => t.state === 'active');
    expect(active, 'exactly one active token: the in-doubt one was revoked').toHaveLength(1);
    expect(active[0]?.fingerprint, 'the active token is the one in the Secret').toBe(sandboxFingerprint(value));
    expect(state(ws)).not.toContain(value);

    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `a second plan must be empty:\n${all(again)}`).toBe(0);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
    expect(tokensNamed('avvyr', 'av-doubt').filter((t) => t.state === 'active'), 'destroy leaves nothing active').toHaveLength(0);
  });

  it('Cloudflare: a create committed but unanswered is found by its name marker and rolled', async () => {
    const ns = await freshNamespace(kc);
    const ws = await workspace(cloudflare(ns, 'cf-doubt'));
    const dropped = calls('cloudflare', undefined, 0);
    const rolls = calls('cloudflare', 'rollToken', 200);
    sandbox.setFaults({ dropAfterCommit: 1 }, 'cloudflare');
    const apply = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(apply);
    noValueShapes(all(apply), 'apply output');
    expect(calls('cloudflare', undefined, 0) - dropped, 'the fault dropped one committed create').toBe(1);
    expect(calls('cloudflare', 'rollToken', 200) - rolls, 'the found token was rolled').toBe(1);

    const secret = await readSecret(kc, ns, 'cf-doubt');
    const value = secret?.token ?? '';
    expect(value).not.toBe('');
    expect(await useToken(sandbox, 'cloudflare', value)).toBe(200);
    const tokens = tokensNamed('cloudflare', 'cf-doubt');
    expect(tokens, 'the in-doubt token was adopted, not created twice').toHaveLength(1);
    expect(tokens[0]?.state).toBe('active');
    expect(tokens[0]?.fingerprint, 'rolled: the active token now holds the delivered value').toBe(sandboxFingerprint(value));
    expect(secret?.tokenId, 'the Secret names the adopted token').toContain(tokens[0]?.id ?? '<none>');
    expect(state(ws)).not.toContain(value);

    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `a second plan must be empty:\n${all(again)}`).toBe(0);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('BigCommerce: a create committed but unanswered is reported, its orphan expires on its own, and the same apply issues and delivers a token', async () => {
    const ns = await freshNamespace(kc);
    const ws = await workspace(bigcommerce(ns, 'bc-doubt'));
    const before = new Set(sandbox.inventory('bigcommerce').map((t) => t.id));
    const dropped = calls('bigcommerce', undefined, 0);
    sandbox.setFaults({ dropAfterCommit: 1 }, 'bigcommerce');
    const warned = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(warned);
    expect(calls('bigcommerce', undefined, 0) - dropped, 'the fault dropped one committed create').toBe(1);
    const text = all(warned).replace(/\s*│\s*/g, ' ').replace(/\s+/g, ' ');
    expect(text).toMatch(/Warning: Create In Doubt/);
    expect(text).toMatch(/cannot list tokens; if it landed, that token expires on its own/);
    noValueShapes(all(warned), 'the in-doubt diagnostic');

    const landed = sandbox.inventory('bigcommerce').filter((t) => !before.has(t.id));
    expect(landed, 'the dropped create landed, and one more token was issued and delivered').toHaveLength(2);
    const delivered = (await readSecret(kc, ns, 'bc-doubt'))?.token ?? '';
    const orphans = landed.filter((t) => t.fingerprint !== sandboxFingerprint(delivered));
    expect(orphans, 'exactly one orphan: the unanswered create').toHaveLength(1);
    expect(orphans[0]?.expiresAt, 'the orphan expires on its own').not.toBeNull();
    expect(Date.parse(orphans[0]?.expiresAt ?? '') - Date.now()).toBeLessThanOrEqual(3_600_000 + 60_000);

    const retried = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(retried);
    const value = (await readSecret(kc, ns, 'bc-doubt'))?.token ?? '';
    expect(await useToken(sandbox, 'bigcommerce', value, 'https://shop.example.test')).toBe(200);
    expect(state(ws)).not.toContain(value);
    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `a second plan must be empty:\n${all(again)}`).toBe(0);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('import adopts an Avvyr token, plan says it will be replaced, and apply delivers a new one and revokes it', async () => {
    const ns = await freshNamespace(kc);
    const av = sandbox.platforms.avvyr;
    const origins = ['https://shop.example.test'];
    const created = await fetch(`${av.baseUrl}/v1/tenants/${av.tenantId}/storefront-tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${av.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'av-import', allowedOrigins: origins }),
    });
    expect(created.status).toBe(201);
    const { data, value: importedValue } = (await created.json()) as { data: { id: string }; value: string };
    expect(await useToken(sandbox, 'avvyr', importedValue)).toBe(200);

    const ws = await workspace(avvyr(ns, 'av-import', origins));
    ok(await ws.run(['import', '-input=false', 'sftoken_storefront_token.av', `avvyr:${av.tenantId}/${data.id}`]));
    const plan = await ws.run(['plan', '-input=false']);
    ok(plan);
    const planText = all(plan).replace(/\s+/g, ' ');
    expect(planText).toMatch(/Imported Token Will Be Replaced/);
    expect(planText).toMatch(/issues a new token, writes it to the Secret, and revokes the imported one/);

    const apply = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(apply);
    noValueShapes(all(apply), 'apply output');
    const value = (await readSecret(kc, ns, 'av-import'))?.token ?? '';
    expect(value).not.toBe('');
    expect(value).not.toBe(importedValue);
    expect(await useToken(sandbox, 'avvyr', value, origins[0])).toBe(200);
    expect(await useToken(sandbox, 'avvyr', importedValue), 'the imported token is revoked').toBe(401);
    const tokens = tokensNamed('avvyr', 'av-import');
    expect(tokens.find((t) => t.id === data.id)?.state).toBe('revoked');
    const active = tokens.filter((t) => t.state === 'active');
    expect(active, 'exactly one active token').toHaveLength(1);
    expect(active[0]?.fingerprint).toBe(sandboxFingerprint(value));
    expect(state(ws)).not.toContain(value);

    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `a second plan must be empty:\n${all(again)}`).toBe(0);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('expose_value = true puts the value in a sensitive output and state, never in plan or apply text', async () => {
    const ns = await freshNamespace(kc);
    const output = `
output "token" {
  value     = sftoken_storefront_token.av.value
  sensitive = true
}`;
    const ws = await workspace(avvyr(ns, 'av-exposed', [], '  expose_value = true') + output);
    const plan = await ws.run(['plan', '-input=false']);
    ok(plan);
    const apply = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(apply);
    const value = (await readSecret(kc, ns, 'av-exposed'))?.token ?? '';
    expect(value).not.toBe('');
    expect(await useToken(sandbox, 'avvyr', value)).toBe(200);
    const shown = await ws.run(['output', '-json']);
    ok(shown);
    const outputs = JSON.parse(shown.stdout) as Record<string, { sensitive: boolean; value: unknown }>;
    expect(outputs['token']?.sensitive).toBe(true);
    expect(outputs['token']?.value, 'the output is the Secret\'s token').toBe(value);
    expect(state(ws), 'opted in: state holds the value').toContain(value);
    for (const [what, result] of [['plan', plan], ['apply', apply]] as const) {
      expect(all(result), `${what} text`).not.toContain(value);
      expect(all(result), `${what} text marks the value sensitive`).toMatch(/\(sensitive value\)/);
    }
    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `a second plan must be empty:\n${all(again)}`).toBe(0);

    // Opting out again must take the value back out of state, not leave it behind.
    ws.write(providerBlock(kubeconfigPath) + avvyr(ns, 'av-exposed', []) + output);
    const optOut = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(optOut);
    expect(all(optOut)).not.toContain(value);
    expect((await readSecret(kc, ns, 'av-exposed'))?.token, 'opting out keeps the token').toBe(value);
    const hidden = JSON.parse((await ws.run(['output', '-json'])).stdout) as Record<string, { value: unknown }>;
    expect(hidden['token']?.value ?? null).toBeNull();
    expect(state(ws), 'opted out: state no longer holds the value').not.toContain(value);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('without expose_value the value attribute is null and state never holds the token', async () => {
    const ns = await freshNamespace(kc);
    const output = `
output "token" {
  value     = sftoken_storefront_token.av.value
  sensitive = true
}`;
    const ws = await workspace(avvyr(ns, 'av-hidden', []) + output);
    const apply = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(apply);
    const value = (await readSecret(kc, ns, 'av-hidden'))?.token ?? '';
    expect(value).not.toBe('');
    expect(await useToken(sandbox, 'avvyr', value)).toBe(200);
    const shown = await ws.run(['output', '-json']);
    ok(shown);
    const outputs = JSON.parse(shown.stdout) as Record<string, { value: unknown }>;
    expect(outputs['token']?.value ?? null).toBeNull();
    expect(state(ws)).not.toContain(value);
    noValueShapes(all(apply), 'apply output');
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });
});
