import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../core/secret.js';
import type { KubeObject, SecretObject } from '../../kube/index.js';
import type { RunningOperator } from '../../operator/main.js';
import { tokenPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, secretValue, shareWorld, startOperatorIn, waitFor, waitReady, type Captured, type Cluster } from './world.js';

// Behaviour table: each row sets up a namespace, runs the operator in-process
// against the real control plane and sandbox, provokes one situation, and
// checks what the user sees (conditions, Secret) and what the platform saw.

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

interface Ctx {
  readonly ns: string;
  readonly operator: RunningOperator;
  readonly captured: Captured;
}

const patchToken = (ns: string, name: string, spec: unknown): Promise<unknown> => cluster.kube.mergePatch(tokenPath(ns, name), { spec });
const token = (ns: string, name: string): Promise<StorefrontTokenObject | undefined> => getToken(cluster, ns, name);
const live = (platform: 'bigcommerce' | 'cloudflare' | 'wizcommerce' | 'avvyr'): number => sandbox.inventory(platform).filter((e) => e.state === 'active').length;

function example(platform: string, patch: (spec: Record<string, unknown>) => Record<string, unknown> = (s) => s): KubeObject[] {
  return exampleObjects(platform, sandbox.url).map((o) => (o.kind === 'StorefrontToken' ? { ...o, spec: patch(o['spec'] as Record<string, unknown>) } : o));
}

const cases: { name: string; reason: string; run: (ctx: Ctx) => Promise<void> }[] = [
  {
    name: 'SecretNotOwned',
    reason: 'a Secret of that name that the token does not own is never overwritten, and the condition says so',
    async run({ ns }) {
      await cluster.kube.send('POST', secretPath(ns), { metadata: { name: 'nordic-storefront-token' }, stringData: { mine: 'keep' } });
      const before = live('avvyr');
      await applyIn(cluster, ns, example('avvyr'));
      const t = await waitFor('SecretNotOwned', async () => {
        const x = await token(ns, 'nordic-storefront');
        return condition(x, 'Synced')?.reason === 'SecretNotOwned' ? x : undefined;
      });
      expect(condition(t, 'Ready')?.status).toBe('False');
      expect(secretValue(await getSecret(cluster, ns, 'nordic-storefront-token'), 'mine')).toBe('keep');
      expect(live('avvyr'), 'nothing issued').toBe(before);
    },
  },
  {
    name: 'RefusedAtAdmission',
    reason: 'a rule CEL can check refuses the object at apply time, naming the field, before the operator sees it',
    async run({ ns }) {
      const before = sandbox.inventory('bigcommerce').length;
      await expect(applyIn(cluster, ns, example('bigcommerce', (s) => ({ ...s, lifetime: undefined, rotation: undefined })))).rejects.toThrow(/spec\.lifetime: Required value/);
      expect(await token(ns, 'shop-storefront')).toBeUndefined();
      expect(sandbox.inventory('bigcommerce').length).toBe(before);
    },
  },
  {
    name: 'PlantedStateIgnored',
    reason: 'a look-alike state Secret planted by someone else (labelled, but not controlled by the token) is never read or acted on',
    async run({ ns }) {
      await applyIn(cluster, ns, example('cloudflare'));
      const victim = await waitReady(cluster, ns, 'edge-kv-reader');
      const victimId = victim.status?.current?.id ?? '';
      expect(victimId).not.toBe('');
      // A second token's state name, planted first, claiming the victim's token as its own.
      const planted = { current: { id: victimId, fingerprint: victim.status?.current?.fingerprint ?? '', issuedAt: '2026-12-01T00:00:00Z' }, history: [], notes: [] };
      await cluster.kube.send('POST', secretPath(ns), {
        metadata: { name: 'sftoken-state-intruder', labels: { 'app.kubernetes.io/managed-by': 'storefront-token', 'sftoken.dev/role': 'state', 'sftoken.dev/token': 'intruder' } },
        type: 'sftoken.dev/state',
        stringData: { state: JSON.stringify(planted) },
      });
      const intruder = example('cloudflare').filter((o) => o.kind === 'StorefrontToken').map((o) => ({ ...o, metadata: { ...o.metadata, name: 'intruder' }, spec: { ...(o['spec'] as Record<string, unknown>), revoked: true, secret: { name: 'intruder-token' } } }));
      await applyIn(cluster, ns, intruder);
      const t = await waitFor('StateSecretNotOwned', async () => {
        const x = await token(ns, 'intruder');
        return condition(x, 'Synced')?.reason === 'StateSecretNotOwned' ? x : undefined;
      });
      expect(condition(t, 'Synced')?.message).toContain('sftoken-state-intruder');
      await new Promise((r) => setTimeout(r, 1000));
      const state = sandbox.inventory('cloudflare').find((e) => victimId.endsWith(e.id))?.state;
      expect(state, 'revoked: true on the intruder revoked nothing it named').toBe('active');
      expect(condition(await token(ns, 'edge-kv-reader'), 'Ready')?.status).toBe('True');
    },
  },
  {
    name: 'InvalidSpec',
    reason: 'a rule only the operator can check (an expiry already past) names the field and makes no platform call',
    async run({ ns }) {
      const before = sandbox.inventory('bigcommerce').length;
      await applyIn(cluster, ns, example('bigcommerce', (s) => ({ ...s, lifetime: { expiresAt: '2020-01-01T00:00:00Z' }, rotation: undefined })));
      const t = await waitFor('InvalidSpec', async () => {
        const x = await token(ns, 'shop-storefront');
        return condition(x, 'Synced')?.reason === 'InvalidSpec' ? x : undefined;
      });
      expect(condition(t, 'Synced')?.message).toContain('spec.lifetime.expiresAt');
      expect(sandbox.inventory('bigcommerce').length).toBe(before);
    },
  },
  {
    name: 'ConnectionInOtherNamespace',
    reason: 'a token may not use a PlatformConnection of another namespace',
    async run({ ns }) {
      const other = await freshNamespace(cluster.cp.kubeConfig(), 'op-other');
      await applyIn(cluster, other, example('avvyr').filter((o) => o.kind !== 'StorefrontToken'));
      await applyIn(cluster, ns, example('avvyr').filter((o) => o.kind === 'StorefrontToken'));
      const t = await waitFor('ConnectionNotFound', async () => {
        const x = await token(ns, 'nordic-storefront');
        return condition(x, 'Synced')?.reason === 'ConnectionNotFound' ? x : undefined;
      });
      expect(condition(t, 'Synced')?.message).toContain(`PlatformConnection ${ns}/avvyr`);
    },
  },
  {
    name: 'ScopeNotFound',
    reason: 'a tenant that does not exist at the platform shows on Ready as ScopeNotFound naming the field, not as an endless first issue',
    async run({ ns }) {
      const before = sandbox.inventory('avvyr').length;
      await applyIn(cluster, ns, example('avvyr', (s) => ({ ...s, avvyr: { ...(s['avvyr'] as Record<string, unknown>), tenantId: 'no-such-tenant' } })));
      const t = await waitFor('ScopeNotFound', async () => {
        const x = await token(ns, 'nordic-storefront');
        return condition(x, 'Ready')?.reason === 'ScopeNotFound' ? x : undefined;
      });
      expect(condition(t, 'Ready')?.message).toContain('spec.avvyr.tenantId "no-such-tenant"');
      expect(condition(t, 'Issuing')?.status ?? 'False', 'not shown as issuing').not.toBe('True');
      expect(sandbox.inventory('avvyr').length, 'nothing issued').toBe(before);
    },
  },
  {
    name: 'SecretDeletedIsRepublished',
    reason: 'a deleted Secret is published again from the durable copy, without a new token',
    async run({ ns }) {
      await applyIn(cluster, ns, example('wizcommerce'));
      await waitReady(cluster, ns, 'catalog-sync');
      const value = secretValue(await getSecret(cluster, ns, 'catalog-sync-token'), 'token');
      const issued = sandbox.inventory('wizcommerce').length;
      await cluster.kube.send('DELETE', secretPath(ns, 'catalog-sync-token'));
      await waitFor('republished', async () => secretValue(await getSecret(cluster, ns, 'catalog-sync-token'), 'token') === value);
      expect(sandbox.inventory('wizcommerce').length).toBe(issued);
    },
  },
  {
    name: 'SecretEditedIsRepaired',
    reason: 'an edited value is put back',
    async run({ ns }) {
      await applyIn(cluster, ns, example('avvyr'));
      await waitReady(cluster, ns, 'nordic-storefront');
      const secret = await getSecret(cluster, ns, 'nordic-storefront-token');
      const value = secretValue(secret, 'AVVYR_STOREFRONT_TOKEN');
      await cluster.kube.mergePatch(secretPath(ns, 'nordic-storefront-token'), { stringData: { AVVYR_STOREFRONT_TOKEN: 'tampered' } });
      await waitFor('repaired', async () => secretValue(await getSecret(cluster, ns, 'nordic-storefront-token'), 'AVVYR_STOREFRONT_TOKEN') === value);
    },
  },
  {
    name: 'AvvyrOriginsInPlace',
    reason: 'Avvyr origins change on the existing token, no new token',
    async run({ ns }) {
      await applyIn(cluster, ns, example('avvyr'));
      const first = await waitReady(cluster, ns, 'nordic-storefront');
      const issued = sandbox.inventory('avvyr').length;
      await patchToken(ns, 'nordic-storefront', { avvyr: { allowedOrigins: ['https://no.shop.example.com'] } });
      await waitFor('origins updated at the platform', () => {
        const entry = sandbox.inventory('avvyr').find((e) => first.status?.current?.id?.endsWith(`/${e.id}`));
        return entry?.origins.includes('https://no.shop.example.com') === true;
      });
      expect(sandbox.inventory('avvyr').length).toBe(issued);
      await waitFor('origins key updated', async () => secretValue(await getSecret(cluster, ns, 'nordic-storefront-token'), 'AVVYR_ALLOWED_ORIGINS') === 'https://no.shop.example.com');
      expect((await token(ns, 'nordic-storefront'))?.status?.current?.fingerprint).toBe(first.status?.current?.fingerprint);
    },
  },
  {
    name: 'BigCommerceOriginsRotate',
    reason: 'BigCommerce origins are in the JWT: a new token is published, the old one revoked after the overlap',
    async run({ ns }) {
      await applyIn(cluster, ns, example('bigcommerce', (s) => ({ ...s, rotation: { renewBefore: '240h', overlap: '2s' } })));
      const first = await waitReady(cluster, ns, 'shop-storefront');
      const old = first.status?.current?.fingerprint ?? '';
      await patchToken(ns, 'shop-storefront', { bigcommerce: { allowedCorsOrigins: ['https://new.example.com'] } });
      const during = await waitFor('overlap', async () => {
        const t = await token(ns, 'shop-storefront');
        return t?.status?.previous?.fingerprint === old ? t : undefined;
      });
      expect(during.status?.current?.fingerprint).not.toBe(old);
      const state = (e: { fingerprint: string }): boolean => old.startsWith(e.fingerprint);
      expect(sandbox.inventory('bigcommerce').find(state)?.state, 'old token still valid during the overlap').toBe('active');
      const after = await waitFor('previous revoked', async () => {
        const t = await token(ns, 'shop-storefront');
        return t !== undefined && t.status?.previous === undefined && (t.status?.history?.length ?? 0) > 0 ? t : undefined;
      });
      expect(after.status?.history?.[0]).toMatchObject({ fingerprint: old, reason: 'Changed' });
      expect(sandbox.inventory('bigcommerce').find(state)?.state).toBe('revoked');
    },
  },
  {
    name: 'TimedRotationWithOverlap',
    reason: 'a token is renewed before expiry; both are valid during the overlap, then the old one is revoked',
    async run({ ns }) {
      await applyIn(cluster, ns, example('cloudflare', (s) => ({ ...s, lifetime: { ttl: '9s' }, rotation: { renewBefore: '6s', overlap: '2s' } })));
      const first = await waitReady(cluster, ns, 'edge-kv-reader');
      const old = first.status?.current?.fingerprint ?? '';
      expect(first.status?.renewAt).toBeDefined();
      const rotated = await waitFor('rotated', async () => {
        const t = await token(ns, 'edge-kv-reader');
        return t?.status?.history?.[0]?.fingerprint === old ? t : undefined;
      }, 20_000);
      expect(rotated.status?.history?.[0]?.reason).toBe('Rotated');
      expect(sandbox.inventory('cloudflare').find((e) => old.startsWith(e.fingerprint))?.state).toBe('revoked');
    },
  },
  {
    name: 'RevokedAtPlatformIsReissued',
    reason: 'a token revoked behind our back is replaced on the next poll',
    async run({ ns }) {
      await applyIn(cluster, ns, example('cloudflare'));
      const first = await waitReady(cluster, ns, 'edge-kv-reader');
      const cf = sandbox.platforms.cloudflare;
      const [account, id] = (first.status?.current?.id ?? '/').split('/');
      const res = await fetch(`${cf.baseUrl}/accounts/${account ?? ''}/tokens/${id ?? ''}`, { method: 'DELETE', headers: { authorization: `Bearer ${cf.apiToken}`, 'content-type': 'application/json' }, body: '{}' }); // the spec requires a JSON body
      expect(res.status).toBe(200);
      const t = await waitFor('reissued', async () => {
        const x = await token(ns, 'edge-kv-reader');
        return x?.status?.current?.fingerprint !== first.status?.current?.fingerprint && condition(x, 'Ready')?.status === 'True' ? x : undefined;
      }, 20_000);
      const value = secretValue(await getSecret(cluster, ns, 'edge-kv-reader-token'), 'CLOUDFLARE_API_TOKEN') ?? '';
      expect(t.status?.current?.fingerprint).toBe(fingerprint(value));
    },
  },
  {
    name: 'OrphanKeepsTokenAndSecret',
    reason: 'deletionPolicy Orphan leaves the token valid and its Secret in place after the resource is gone',
    async run({ ns }) {
      await applyIn(cluster, ns, example('avvyr', (s) => ({ ...s, deletionPolicy: 'Orphan' })));
      const t = await waitReady(cluster, ns, 'nordic-storefront');
      await cluster.kube.send('DELETE', tokenPath(ns, 'nordic-storefront'));
      await waitFor('token gone', async () => (await token(ns, 'nordic-storefront')) === undefined);
      await new Promise((r) => setTimeout(r, 1500));
      const secret: SecretObject | undefined = await getSecret(cluster, ns, 'nordic-storefront-token');
      expect(secret, 'garbage collection left the Secret').toBeDefined();
      expect(sandbox.inventory('avvyr').find((e) => t.status?.current?.id?.endsWith(`/${e.id}`))?.state).toBe('active');
    },
  },
];

describe('operator behaviour', () => {
  it.each(cases)('$name: $reason', async ({ run, name }) => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), `op-${name.toLowerCase().slice(0, 20)}`);
    const { operator, captured } = await startOperatorIn(cluster, ns, { pollIntervalMs: 1000 });
    try {
      await run({ ns, operator, captured });
    } finally {
      await operator.stop();
    }
  }, 60_000);
});
