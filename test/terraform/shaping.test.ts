import { parseEnv } from 'node:util';
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../core/secret.js';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import type { RunResult } from './harness.js';
import { all, providerBlock, shareTokenWorld, useToken } from './storefront-token-harness.js';

// Secret shaping from the Terraform provider: the same shaped Secret the
// operator writes (test/operator/shaping.test.ts), from the real provider
// executable under one engine (the shaping code is the provider's, not the
// engine's): a basic-auth Secret with a dotenv file and a JSON document,
// the previous token in both during a rotation overlap, a type change that
// replaces the Secret without issuing, and `validate` naming the attribute.
const { engines } = await resolveEngines();

describe.each(engines.slice(0, 1))('secret shaping with $name $version', (engine: Engine) => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath: string;
  const workspace = shareTokenWorld(engine, 'shape', (world) => {
    ({ sandbox, kc, kubeconfigPath } = world);
  });

  const ok = (result: RunResult): void => {
    expect(result.code, all(result)).toBe(0);
  };

  const token = (ns: string, origin: string, type: string): string => `
resource "sftoken_storefront_token" "bc" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "${sandbox.platforms.bigcommerce.storeHash}", channel_ids = [1], allowed_cors_origins = ["${origin}"] }
  lifetime    = { ttl = "1h" }
  rotation    = { overlap = "10m" }
  secret = {
    name      = "shaped"
    namespace = "${ns}"
    type      = "${type}"
    keys      = { token = "password", token_id = "username" }
    formats = [
      {
        key    = ".env.local"
        format = "dotenv"
        fields = {
          "NEXT_PUBLIC_{{PLATFORM}}_STORE_HASH"    = "storeHash"
          "{{PLATFORM}}_CHANNEL_ID"                = "channelIds"
          "{{PLATFORM}}_STOREFRONT_TOKEN"          = "token"
          "{{PLATFORM}}_STOREFRONT_TOKEN_PREVIOUS" = "previousToken"
        }
      },
      { key = "storefront.json", format = "json" },
    ]
  }
}`;

  async function read(ns: string): Promise<{ secret: V1Secret; data: Record<string, string>; env: Readonly<Record<string, string | undefined>>; json: Record<string, string> }> {
    const secret = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'shaped', namespace: ns });
    const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return { secret, data, env: parseEnv(data['.env.local'] ?? ''), json: JSON.parse(data['storefront.json'] ?? '{}') as Record<string, string> };
  }

  it('apply writes the shaped Secret, keeps the previous token in the documents during the overlap, and replaces the Secret on a type change', async () => {
    const ns = await freshNamespace(kc);
    const before = 'https://old.shop.test';
    const after = 'https://new.shop.test';
    const ws = await workspace(token(ns, before, 'kubernetes.io/basic-auth'));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const issued = await read(ns);
    const value = issued.data['password'] ?? '';
    expect(issued.secret.type).toBe('kubernetes.io/basic-auth');
    expect(await useToken(sandbox, 'bigcommerce', value, before)).toBe(200);
    expect(issued.env).toStrictEqual({ BIGCOMMERCE_CHANNEL_ID: '1', BIGCOMMERCE_STOREFRONT_TOKEN: value, NEXT_PUBLIC_BIGCOMMERCE_STORE_HASH: sandbox.platforms.bigcommerce.storeHash });
    expect(issued.json).toStrictEqual({ expiresAt: issued.data['expiresAt'], origins: before, token: value, tokenId: issued.data['username'] });
    const settled = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(settled.code, `a second plan must be empty:\n${all(settled)}`).toBe(0);

    // BigCommerce bakes origins into the token: a new one, the old kept for the overlap.
    ws.write(providerBlock(kubeconfigPath) + token(ns, after, 'kubernetes.io/basic-auth'));
    ok(await ws.run(['apply', '-auto-approve', '-input=false']));
    const during = await read(ns);
    const next = during.data['password'] ?? '';
    expect(next).not.toBe(value);
    expect(during.env['BIGCOMMERCE_STOREFRONT_TOKEN']).toBe(next);
    expect(during.env['BIGCOMMERCE_STOREFRONT_TOKEN_PREVIOUS'], 'dotenv holds the previous token during the overlap').toBe(value);
    expect(during.json['previousToken'], 'json holds it too').toBe(value);
    expect(during.json['previousExpiresAt']).toBe(during.data['previousExpiresAt']);
    expect(await useToken(sandbox, 'bigcommerce', value, before), 'the previous token still works').toBe(200);

    // A type change replaces the Secret (Kubernetes cannot change it in place); nothing is issued.
    const count = sandbox.inventory('bigcommerce').length;
    ws.write(providerBlock(kubeconfigPath) + token(ns, after, 'example.com/storefront-token'));
    const apply = await ws.run(['apply', '-auto-approve', '-input=false']);
    ok(apply);
    const replaced = await read(ns);
    expect(replaced.secret.type).toBe('example.com/storefront-token');
    expect(replaced.secret.metadata?.uid, 'a new Secret object').not.toBe(during.secret.metadata?.uid);
    expect(replaced.data).toStrictEqual(during.data);
    expect(sandbox.inventory('bigcommerce').length, 'no token issued for a type change').toBe(count);
    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `plan after the type change must be empty:\n${all(again)}`).toBe(0);
    const output = all(apply);
    expect([value, next].filter((v) => output.includes(v)).map(fingerprint), 'no value in apply output').toStrictEqual([]);
    ok(await ws.run(['destroy', '-auto-approve', '-input=false']));
  });

  it('validate names the secret attribute and the reason for a bad type, name or value', async () => {
    const ws = await workspace(`
resource "sftoken_storefront_token" "tls" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "abc", channel_ids = [1] }
  lifetime    = { ttl = "1h" }
  secret      = { name = "tls", type = "kubernetes.io/tls" }
}
resource "sftoken_storefront_token" "env" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "abc", channel_ids = [1] }
  lifetime    = { ttl = "1h" }
  secret      = { name = "env", formats = [{ key = ".env", format = "dotenv", fields = { "STORE-HASH" = "storeHash" } }] }
}
resource "sftoken_storefront_token" "value" {
  platform    = "bigcommerce"
  bigcommerce = { store_hash = "abc", channel_ids = [1] }
  lifetime    = { ttl = "1h" }
  secret      = { name = "value", formats = [{ key = "a.json", format = "json", fields = { account = "accountId" } }] }
}`);
    const result = await ws.run(['validate', '-json']);
    expect(result.code).toBe(1);
    const details = (JSON.parse(result.stdout) as { diagnostics: { detail: string }[] }).diagnostics.map((d) => d.detail).join('\n');
    expect(details).toMatch(/secret\.type must be Opaque, kubernetes\.io\/basic-auth, or a type of your own/);
    expect(details).toMatch(/secret\.formats\[0\]\.fields\S* names of a dotenv format must be environment variable names/);
    expect(details).toMatch(/secret\.formats\[0\]\.fields\S* must name a value of a bigcommerce token: one of token/);
  });
});
