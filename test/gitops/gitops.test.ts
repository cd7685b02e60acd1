import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { fingerprint } from '../../core/secret.js';
import { initScratchRepo, syncCommitted, TokenKinds } from '../../cli/demo/gitops.js';
import { useToken } from '../../cli/demo/token-use.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { condition, exampleObjects, getSecret, getToken, secretValue, startOperatorIn, startTestSandbox, useCluster, waitFor, waitReady, type Cluster } from '../operator/world.js';

// GitOps end to end: a git repository of manifests, synced by applying the
// committed tree (server-side apply, prune of removed objects), with the
// operator running against the real control plane and sandbox.

let cluster: Cluster;
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  cluster = await useCluster();
  sandbox = await startTestSandbox();
  dir = await mkdtemp(join(tmpdir(), 'sftoken-gitops-'));
}, 900_000);

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('gitops', () => {
  it('revoked: true via git revokes; reverting is refused; removing the file runs the deletion policy', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'gitops');
    const { operator } = await startOperatorIn(cluster, ns);
    try {
      const repo = await initScratchRepo(dir);
      const objects = exampleObjects('avvyr', sandbox.url);
      const tokenObject = objects.find((o) => o.kind === 'StorefrontToken');
      if (tokenObject === undefined) throw new Error('the avvyr example has no StorefrontToken');
      const writeToken = (revoked: boolean): Promise<void> => writeFile(join(dir, 'token.yaml'), stringify({ ...tokenObject, spec: { ...(tokenObject['spec'] as object), revoked } }));
      await writeFile(join(dir, 'connection.yaml'), objects.filter((o) => o !== tokenObject).map((o) => stringify(o)).join('---\n'));
      await writeToken(false);
      await repo.commit('add nordic storefront token');
      const sync = () => syncCommitted(cluster.kube, dir, { namespace: ns, source: 'scratch', pruneKinds: TokenKinds });

      const first = await sync();
      expect(first.refused).toEqual([]);
      const ready = await waitReady(cluster, ns, 'nordic-storefront');
      const value = secretValue(await getSecret(cluster, ns, 'nordic-storefront-token'), 'AVVYR_STOREFRONT_TOKEN') ?? '';
      const spec = storefrontTokenSpecSchema.parse(ready.spec);
      const baseUrl = sandbox.platforms.avvyr.baseUrl;
      expect((await useToken(baseUrl, spec, value)).status).toBe(200);

      await writeToken(true);
      await repo.commit('revoke nordic storefront token');
      expect((await sync()).refused).toEqual([]);
      await waitFor('revoked', async () => condition(await getToken(cluster, ns, 'nordic-storefront'), 'Revoked')?.status === 'True');
      await waitFor('Secret emptied', async () => secretValue(await getSecret(cluster, ns, 'nordic-storefront-token'), 'AVVYR_STOREFRONT_TOKEN') === '');
      expect(sandbox.inventory('avvyr').find((e) => fingerprint(value).startsWith(e.fingerprint))?.state).toBe('revoked');
      expect((await useToken(baseUrl, spec, value)).status).toBe(401);
      const issued = sandbox.inventory('avvyr').length;

      await writeToken(false);
      await repo.commit('try to un-revoke');
      const refused = await sync();
      expect(refused.refused.map((r) => r.object)).toEqual(['StorefrontToken/nordic-storefront']);
      expect(refused.refused[0]?.message).toContain('revoked cannot be set back to false');
      await new Promise((r) => setTimeout(r, 1000));
      expect((await getToken(cluster, ns, 'nordic-storefront'))?.spec).toMatchObject({ revoked: true });
      expect(sandbox.inventory('avvyr').length, 'nothing reissued').toBe(issued);

      await rm(join(dir, 'token.yaml'));
      await repo.commit('remove the token');
      expect((await sync()).pruned).toEqual(['StorefrontToken/nordic-storefront']);
      await waitFor('token deleted through its finalizer', async () => (await getToken(cluster, ns, 'nordic-storefront')) === undefined);
      await waitFor('Secret collected', async () => (await getSecret(cluster, ns, 'nordic-storefront-token')) === undefined, 30_000);
      expect(sandbox.inventory('avvyr').length).toBe(issued);
    } finally {
      await operator.stop();
    }
  }, 120_000);
});
