import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../core/secret.js';
import { secretPath, type KubeObject, type SecretObject } from '../../kube/index.js';
import { tokenPath } from '../../operator/names.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, secretValue, shareWorld, startOperatorIn, waitFor, waitReady, type Captured, type Cluster } from './world.js';

// Secret shaping driven the way a user would: the BigCommerce example applied
// (server-side apply, as `kubectl apply --server-side`) with a Secret type,
// a dotenv file for Next.js and a JSON document; a rotation requested with
// the sftoken.dev/rotate annotation; then a type change, which Kubernetes
// cannot make in place. The Secret is read back after each step; values are
// compared by fingerprint and searched for in logs, events and status.

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

const name = 'shop-storefront';
const secretName = 'shop-storefront-token';

const shaped = {
  name: secretName,
  type: 'kubernetes.io/basic-auth',
  keys: { token: 'password', tokenId: 'username' },
  formats: [
    {
      key: '.env.local',
      format: 'dotenv',
      fields: {
        'NEXT_PUBLIC_{{PLATFORM}}_STORE_HASH': 'storeHash',
        '{{PLATFORM}}_CHANNEL_ID': 'channelIds',
        '{{PLATFORM}}_STOREFRONT_TOKEN': 'token',
        '{{PLATFORM}}_STOREFRONT_TOKEN_PREVIOUS': 'previousToken',
        '{{PLATFORM}}_STOREFRONT_TOKEN_EXPIRES_AT': 'expiresAt',
      },
    },
    { key: 'storefront.json', format: 'json' },
  ],
};

function example(secret: Record<string, unknown>): KubeObject[] {
  return exampleObjects('bigcommerce', sandbox.url).map((o) => (o.kind === 'StorefrontToken' ? { ...o, spec: { ...(o['spec'] as Record<string, unknown>), secret } } : o));
}

const token = (ns: string): Promise<StorefrontTokenObject | undefined> => getToken(cluster, ns, name);
const stateOf = (fp: string): string | undefined => sandbox.inventory('bigcommerce').find((e) => fp.startsWith(e.fingerprint))?.state;

interface Shape {
  readonly secret: SecretObject;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly json: Record<string, string>;
}

async function shapeOf(ns: string): Promise<Shape> {
  const secret = await getSecret(cluster, ns, secretName);
  if (secret === undefined) throw new Error('Secret missing');
  return { secret, env: parseEnv(secretValue(secret, '.env.local') ?? ''), json: JSON.parse(secretValue(secret, 'storefront.json') ?? '{}') as Record<string, string> };
}

function expectNoValues(captured: Captured, status: unknown, values: readonly string[]): void {
  const corpus = [...captured.logs, ...captured.events, JSON.stringify(status)].join('\n');
  expect(values.filter((v) => corpus.includes(v)).map(fingerprint), 'fingerprints of values found in logs, events or status').toStrictEqual([]);
}

describe('operator: secret shaping', () => {
  it('ShapedSecret: a basic-auth Secret with a dotenv file and a JSON document, through issue, rotation with overlap and a type change', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-shaping');
    const { operator, captured } = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    try {
      await applyIn(cluster, ns, example(shaped));
      const first = await waitReady(cluster, ns, name);
      const old = first.status?.current?.fingerprint ?? '';
      const issued = await shapeOf(ns);
      expect(issued.secret.type).toBe('kubernetes.io/basic-auth');
      const value = secretValue(issued.secret, 'password') ?? '';
      expect(fingerprint(value)).toBe(old);
      expect(secretValue(issued.secret, 'username')).toBe(first.status?.current?.id);
      expect(issued.env).toStrictEqual({
        BIGCOMMERCE_CHANNEL_ID: '1',
        BIGCOMMERCE_STOREFRONT_TOKEN: value,
        BIGCOMMERCE_STOREFRONT_TOKEN_EXPIRES_AT: first.status?.current?.expiresAt,
        NEXT_PUBLIC_BIGCOMMERCE_STORE_HASH: 'sbx7k2m9qa',
      });
      expect(issued.json).toStrictEqual({ expiresAt: first.status?.current?.expiresAt, origins: 'https://shop.example.com', token: value, tokenId: first.status?.current?.id });

      // Rotate now keeps the 10m overlap: the previous token is in both documents, as in the single keys.
      await cluster.kube.mergePatch(tokenPath(ns, name), { metadata: { annotations: { 'sftoken.dev/rotate': 'shape-1' } } });
      const rotated = await waitFor('rotation published', async () => {
        const t = await token(ns);
        return t?.status?.lastRotateRequest === 'shape-1' && t.status.previous?.fingerprint === old && condition(t, 'Ready')?.status === 'True' ? t : undefined;
      });
      const next = rotated.status?.current?.fingerprint ?? '';
      const during = await shapeOf(ns);
      const nextValue = secretValue(during.secret, 'password') ?? '';
      expect(fingerprint(nextValue)).toBe(next);
      expect(during.env['BIGCOMMERCE_STOREFRONT_TOKEN']).toBe(nextValue);
      expect(during.env['BIGCOMMERCE_STOREFRONT_TOKEN_PREVIOUS'], 'dotenv holds the previous token during the overlap').toBe(value);
      expect(during.json['previousToken'], 'json holds it too').toBe(value);
      expect(during.json['previousExpiresAt']).toBe(secretValue(during.secret, 'previousExpiresAt'));
      expect(secretValue(during.secret, 'previousToken')).toBe(value);
      expect(stateOf(old), 'the previous token still works during the overlap').toBe('active');

      // A type change: the Secret is replaced (a new object), holding the same tokens; nothing is issued.
      const count = sandbox.inventory('bigcommerce').length;
      await applyIn(cluster, ns, example({ ...shaped, type: 'example.com/storefront-token' }));
      const replaced = await waitFor('Secret of the new type', async () => {
        const s = await getSecret(cluster, ns, secretName);
        return s?.type === 'example.com/storefront-token' ? s : undefined;
      });
      expect(replaced.metadata.uid, 'a new Secret: the type cannot change in place').not.toBe(during.secret.metadata.uid);
      await waitReady(cluster, ns, name);
      const after = await shapeOf(ns);
      expect(secretValue(after.secret, 'password')).toBe(nextValue);
      expect(after.env).toStrictEqual(during.env);
      expect(after.json).toStrictEqual(during.json);
      expect(sandbox.inventory('bigcommerce').length, 'no token issued for a type change').toBe(count);
      expect(stateOf(next)).toBe('active');
      expect(after.secret.metadata.ownerReferences?.[0]?.uid).toBe(first.metadata.uid);

      expectNoValues(captured, (await token(ns))?.status, [value, nextValue]);
    } finally {
      await operator.stop();
    }
  }, 90_000);

  const refusals: { name: string; reason: string; secret: Record<string, unknown>; field: RegExp }[] = [
    { name: 'TlsType', reason: 'a TLS Secret needs a certificate a token cannot provide', secret: { name: secretName, type: 'kubernetes.io/tls' }, field: /spec\.secret\.type: Invalid value: "string": must be Opaque, kubernetes\.io\/basic-auth, or a type of your own/ },
    { name: 'BasicAuthWithoutPassword', reason: 'the API server would refuse the Secret after the token was issued', secret: { name: secretName, type: 'kubernetes.io/basic-auth' }, field: /spec\.secret\.type: Invalid value: "object": kubernetes\.io\/basic-auth requires a data key username or password/ },
    { name: 'UnknownValue', reason: 'a BigCommerce token has no accountId', secret: { name: secretName, formats: [{ key: 'a.json', format: 'json', fields: { account: 'accountId' } }] }, field: /spec\.secret\.formats: Invalid value: "object": must name a value of a bigcommerce token: one of token, expiresAt/ },
    { name: 'FormatUnderTokenKey', reason: 'the document would overwrite the token', secret: { name: secretName, formats: [{ key: 'token', format: 'json' }] }, field: /spec\.secret\.formats: Invalid value: "object": each format key must differ from the secret\.keys values/ },
  ];

  it('TypeChangeInterrupted: a replacement cut between delete and create (the Secret gone, the new type applied) is finished from the state Secret with the same token', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-shaping-crash');
    const first = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    let fp = '';
    try {
      await applyIn(cluster, ns, example(shaped));
      fp = (await waitReady(cluster, ns, name)).status?.current?.fingerprint ?? '';
    } finally {
      await first.operator.stop();
    }
    const count = sandbox.inventory('bigcommerce').length;
    // What an operator killed inside the replacement leaves: the new type in the spec, the old Secret deleted, the new one not yet created.
    await applyIn(cluster, ns, example({ ...shaped, type: 'example.com/storefront-token' }));
    await cluster.kube.send('DELETE', secretPath(ns, secretName));
    const second = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    try {
      const secret = await waitFor('Secret of the new type', async () => {
        const s = await getSecret(cluster, ns, secretName);
        return s?.type === 'example.com/storefront-token' ? s : undefined;
      });
      expect(fingerprint(secretValue(secret, 'password') ?? ''), 'the same token, from the state Secret').toBe(fp);
      expect(parseEnv(secretValue(secret, '.env.local') ?? '')['BIGCOMMERCE_STOREFRONT_TOKEN']).toBe(secretValue(secret, 'password'));
      expect(sandbox.inventory('bigcommerce').length, 'nothing issued').toBe(count);
      expect(stateOf(fp)).toBe('active');
    } finally {
      await second.operator.stop();
    }
  }, 60_000);

  it('InvalidName: a dotenv name is refused by the operator (a CRD map cannot bound its keys for CEL), naming the field, and nothing is issued', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-shaping-name');
    const { operator } = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    try {
      const before = sandbox.inventory('bigcommerce').length;
      await applyIn(cluster, ns, example({ name: secretName, formats: [{ key: '.env', format: 'dotenv', fields: { 'STORE-HASH': 'storeHash' } }] }));
      const t = await waitFor('InvalidSpec', async () => {
        const x = await token(ns);
        return condition(x, 'Ready')?.reason === 'InvalidSpec' ? x : undefined;
      });
      expect(condition(t, 'Ready')?.message).toMatch(/spec\.secret\.formats\[0\]\.fields\.STORE-HASH names of a dotenv format must be environment variable names/);
      expect(sandbox.inventory('bigcommerce').length).toBe(before);
      expect(await getSecret(cluster, ns, secretName)).toBeUndefined();
    } finally {
      await operator.stop();
    }
  }, 60_000);

  it.each(refusals)('refused at admission, $name: $reason', async ({ secret, field }) => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-shaping-refused');
    const before = sandbox.inventory('bigcommerce').length;
    await expect(applyIn(cluster, ns, example(secret))).rejects.toThrow(field);
    expect(await token(ns)).toBeUndefined();
    expect(sandbox.inventory('bigcommerce').length).toBe(before);
  }, 30_000);
});
