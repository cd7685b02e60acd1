import { describe, expect, it } from 'vitest';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { fingerprint } from '../../core/secret.js';
import { Finalizer } from '../../operator/names.js';
import { useToken } from '../../cli/demo/token-use.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, secretValue, shareWorld, startOperatorIn, waitFor, waitReady, type Cluster } from './world.js';

// End to end against the real control plane (apiserver + etcd + controller
// manager) and the real sandbox: apply an example, see it Ready with its
// Secret, use the token, revoke it with `revoked: true`, delete it.

const platforms = [
  { platform: 'bigcommerce', name: 'shop-storefront', secret: 'shop-storefront-token', key: 'token', reason: 'JWT with CORS origins; revocation presents the value' },
  { platform: 'cloudflare', name: 'edge-kv-reader', secret: 'edge-kv-reader-token', key: 'CLOUDFLARE_API_TOKEN', reason: 'account token with read, list and roll' },
  { platform: 'wizcommerce', name: 'catalog-sync', secret: 'catalog-sync-token', key: 'token', reason: 'fixed one-year lifetime; revokes only with its own value' },
  { platform: 'avvyr', name: 'nordic-storefront', secret: 'nordic-storefront-token', key: 'AVVYR_STOREFRONT_TOKEN', reason: 'idempotent create, origins edited in place' },
] as const;

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

describe('operator lifecycle', () => {
  it.each(platforms)('$platform: issue, deliver, use, revoke, delete ($reason)', async ({ platform, name, secret, key }) => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), `op-${platform}`);
    const { operator, captured } = await startOperatorIn(cluster, ns);
    try {
      const objects = exampleObjects(platform, sandbox.url);
      await applyIn(cluster, ns, objects);
      const token = await waitReady(cluster, ns, name);
      expect(token.metadata.finalizers).toContain(Finalizer);
      expect(condition(token, 'Synced')?.status).toBe('True');
      const dest = await getSecret(cluster, ns, secret);
      const value = secretValue(dest, key);
      expect(value, 'the Secret holds the token').toBeTruthy();
      if (value === undefined) return;
      expect(token.status?.current?.fingerprint).toBe(fingerprint(value));
      expect(dest?.metadata.ownerReferences?.[0]?.uid).toBe(token.metadata.uid);
      const inventory = sandbox.inventory(platform).filter((e) => fingerprint(value).startsWith(e.fingerprint));
      expect(inventory.map((e) => e.state)).toEqual(['active']);
      const spec = storefrontTokenSpecSchema.parse(token.spec);
      const conn = objects.find((o) => o.kind === 'PlatformConnection')?.['spec'] as { baseUrl: string };
      expect((await useToken(conn.baseUrl, spec, value)).status).toBe(200);

      // revoked: true revokes at the platform, empties the Secret and is terminal.
      await cluster.kube.mergePatch(`/apis/sftoken.dev/v1alpha1/namespaces/${ns}/storefronttokens/${name}`, { spec: { revoked: true } });
      const revoked = await waitFor('Revoked condition', async () => {
        const t = await getToken(cluster, ns, name);
        return condition(t, 'Revoked')?.status === 'True' && secretValue(await getSecret(cluster, ns, secret), key) === '' ? t : undefined;
      });
      expect(condition(revoked, 'Ready')?.reason).toBe('Revoked');
      expect(sandbox.inventory(platform).filter((e) => fingerprint(value).startsWith(e.fingerprint)).map((e) => e.state)).toEqual(['revoked']);
      expect((await useToken(conn.baseUrl, spec, value)).status).toBeGreaterThanOrEqual(401);
      const issuedBefore = sandbox.inventory(platform).length;

      // Deleting it runs the finalizer; garbage collection then removes the owned Secrets.
      await cluster.kube.send('DELETE', `/apis/sftoken.dev/v1alpha1/namespaces/${ns}/storefronttokens/${name}`);
      await waitFor('token gone', async () => (await getToken(cluster, ns, name)) === undefined);
      await waitFor('Secret collected', async () => (await getSecret(cluster, ns, secret)) === undefined, 30_000);
      expect(sandbox.inventory(platform).length, 'nothing was reissued').toBe(issuedBefore);
      expect(captured.events.join('\n')).toContain('Revoked');
    } finally {
      await operator.stop();
    }
  });
});
