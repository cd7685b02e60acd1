import { describe, expect, it } from 'vitest';
import { tokenPath } from '../../operator/names.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import { fingerprint } from '../../sandbox/ids.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, secretValue, shareWorld, startOperatorIn, waitFor, type Cluster } from './world.js';

// A create whose answer is lost stays in doubt until the operator finds out
// what it made. Avvyr settles it by replaying the create with the same
// idempotency key, and the sandbox (like the platform) refuses a replay
// whose body differs from the first. So when the user edits the token while
// it is in doubt, the replay must still send what was sent then; the edit is
// applied afterwards, to the token the replay found.

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

const name = 'nordic-storefront';
const edited = ['https://se.shop.example.com', 'https://no.shop.example.com'];

const inDoubt = (t: StorefrontTokenObject | undefined): boolean => (t?.status?.conditions ?? []).some((c) => c.reason === 'CreateInDoubt');

describe('a create in doubt', () => {
  it('settles with the request it sent, after the spec changed meanwhile, and then applies the change', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'in-doubt');
    const { operator } = await startOperatorIn(cluster, ns);
    const before = new Set(sandbox.inventory('avvyr').map((t) => t.id));
    try {
      sandbox.setFaults({ dropAfterCommit: 1000 }, 'avvyr');
      await applyIn(cluster, ns, exampleObjects('avvyr', sandbox.url));
      await waitFor('the create in doubt', async () => inDoubt(await getToken(cluster, ns, name)), 30_000);

      await cluster.kube.mergePatch(tokenPath(ns, name), { spec: { avvyr: { allowedOrigins: edited } } });
      sandbox.setFaults({ dropAfterCommit: 0 }, 'avvyr');
      const settled = await waitFor('Ready with the edited origins', async () => {
        const t = await getToken(cluster, ns, name);
        const live = sandbox.inventory('avvyr').filter((e) => !before.has(e.id) && e.state === 'active');
        return condition(t, 'Ready')?.status === 'True' && live.length === 1 && [...(live[0]?.origins ?? [])].sort().join() === [...edited].sort().join() ? { t, live } : undefined;
      }, 45_000);

      const made = sandbox.inventory('avvyr').filter((e) => !before.has(e.id));
      expect(made.filter((e) => e.state === 'active'), 'one token is active, carrying the edit').toHaveLength(1);
      expect(settled.t?.status?.conditions?.some((c) => c.reason === 'CreateInDoubt'), 'nothing is left in doubt').toBe(false);
      const delivered = secretValue(await getSecret(cluster, ns, 'nordic-storefront-token'), 'AVVYR_STOREFRONT_TOKEN') ?? '';
      expect(delivered, 'the Secret holds a value').not.toBe('');
      expect(made.find((e) => e.state === 'active')?.fingerprint, 'the Secret holds the active token').toBe(fingerprint(delivered));
    } finally {
      sandbox.setFaults({ dropAfterCommit: 0 }, 'avvyr');
      await operator.stop();
    }
  });
});
