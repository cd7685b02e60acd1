import { describe, expect, it } from 'vitest';
import { emptyState, encodeDurableState, type DurableState } from '../../core/reconcile/durable-state.js';
import { SecretValue } from '../../core/secret.js';
import { KubeSecretStore } from '../../provider/config/kube-secret-store.js';
import { MANAGED_BY, OWNER_ANNOTATION, ownerValue, stateRefOf } from '../../provider/storefront-token/ownership.js';
import { openStore, PLATFORM_ANNOTATION, type StateSecretStore } from '../../provider/storefront-token/state-store.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { useControlPlane } from '../controlplane/use-control-plane.js';

// The provider's state Secret against the real API server: every save is
// guarded by the version the run last saw, so two runs on one destination
// never overwrite each other's record, and a later create finds an
// interrupted one's record and takes it over.

const withToken = (fingerprint: string): DurableState => ({ ...emptyState, current: { fingerprint, issuedAt: '2026-12-01T00:00:00Z', value: new SecretValue(`value-${fingerprint}`) } });

async function open(store: KubeSecretStore, namespace: string, id: string, existing: boolean): Promise<StateSecretStore> {
  const opened = await openStore({ secrets: store, destination: { namespace, name: 'shop' }, id, existing, platform: 'avvyr', fallback: () => emptyState });
  if ('conflict' in opened) throw new Error(opened.conflict);
  return opened.store;
}

describe('provider state Secret', () => {
  it('fails a save that lost a race instead of overwriting the other run\'s record', async () => {
    const cp = await useControlPlane();
    const ns = await freshNamespace(cp.kubeConfig(), 'tfstate');
    const first = await open(new KubeSecretStore({ configPath: cp.kubeconfigPath }), ns, 'a', true);
    await first.save(withToken('aaaaaaaaaaaa'));
    // Two runs read the same version; the second to write must lose.
    const one = await open(new KubeSecretStore({ configPath: cp.kubeconfigPath }), ns, 'a', true);
    const two = await open(new KubeSecretStore({ configPath: cp.kubeconfigPath }), ns, 'a', true);
    await one.save(withToken('bbbbbbbbbbbb'));
    await expect(two.save(withToken('cccccccccccc'))).rejects.toThrow(/changed by another writer/);
    const after = await open(new KubeSecretStore({ configPath: cp.kubeconfigPath }), ns, 'a', true);
    expect(after.state.current?.fingerprint, 'the winner\'s record stands').toBe('bbbbbbbbbbbb');
  });

  it('a create that finds an unconfirmed record of the same platform takes it over; a confirmed one conflicts', async () => {
    const cp = await useControlPlane();
    const ns = await freshNamespace(cp.kubeConfig(), 'tfstate');
    // What a killed run's provider process left: its intent, unconfirmed. Written
    // here as that other process wrote it (a store in this process would
    // remember creating it and rightly refuse to hand it to another resource).
    await new KubeSecretStore({ configPath: cp.kubeconfigPath }).put({
      ...stateRefOf({ namespace: ns, name: 'shop' }),
      labels: { ...MANAGED_BY, 'sftoken.dev/role': 'state' },
      annotations: { [OWNER_ANNOTATION]: ownerValue('killed-run'), [PLATFORM_ANNOTATION]: 'avvyr' },
      data: encodeDurableState({ ...emptyState, pending: { key: 'k-1', reason: 'Initial', startedAt: '2026-12-01T00:00:00Z' } }),
    }, undefined, { create: true });
    // A later process (a new apply) knows only the configuration.
    const opened = await openStore({ secrets: new KubeSecretStore({ configPath: cp.kubeconfigPath }), destination: { namespace: ns, name: 'shop' }, id: 'next-run', existing: false, platform: 'avvyr', fallback: () => emptyState });
    expect('conflict' in opened).toBe(false);
    if ('conflict' in opened) return;
    expect(opened.tookOver).toBe(true);
    expect(opened.store.id, 'the record keeps its owner id, so the Secret it delivered stays ours').toBe('killed-run');
    expect(opened.store.state.pending?.key, 'the intent, with the idempotency key to replay').toBe('k-1');
    await opened.store.confirm();
    const again = await openStore({ secrets: new KubeSecretStore({ configPath: cp.kubeconfigPath }), destination: { namespace: ns, name: 'shop' }, id: 'third', existing: false, platform: 'avvyr', fallback: () => emptyState });
    expect('conflict' in again, 'a record Terraform state confirmed belongs to that resource').toBe(true);
  });
});
