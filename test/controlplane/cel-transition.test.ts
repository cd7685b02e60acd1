import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCrds, type CrdManifest } from '../../controlplane/index.js';
import { freshNamespace } from './fresh-namespace.js';
import { useControlPlane } from './use-control-plane.js';

const group = 'celtest.storefront-token.dev';
const plural = 'revocations';
const message = 'revoked may go from false to true but never back';

// A one-way switch: the transition rule compares the new value with the old.
// Wire format, as CRDs are read from YAML.
const crd: CrdManifest = {
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'revocation', kind: 'Revocation', listKind: 'RevocationList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  revoked: {
                    type: 'boolean',
                    'x-kubernetes-validations': [{ rule: '!oldSelf || self', message }],
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const cases = [
  { from: false, to: true, accepted: true, reason: 'revoking is the allowed direction' },
  { from: true, to: false, accepted: false, reason: 'un-revoking violates the transition rule' },
  { from: true, to: true, accepted: true, reason: 'a no-op update of a revoked object stays valid' },
  { from: false, to: false, accepted: true, reason: 'a no-op update of a live object stays valid' },
] as const;

describe('CEL transition rule enforced by the real API server', () => {
  let kc: KubeConfig;
  beforeAll(async () => {
    kc = (await useControlPlane()).kubeConfig();
    await installCrds(kc, [crd]);
  }, 30 * 60_000);

  it.each(cases)('revoked $from -> $to: accepted=$accepted ($reason)', async ({ from, to, accepted }) => {
    const namespace = await freshNamespace(kc);
    const api = kc.makeApiClient(CustomObjectsApi);
    const base = { group, version: 'v1', namespace, plural };
    await api.createNamespacedCustomObject({
      ...base,
      body: { apiVersion: `${group}/v1`, kind: 'Revocation', metadata: { name: 'r' }, spec: { revoked: from } },
    });
    const current = (await api.getNamespacedCustomObject({ ...base, name: 'r' })) as { metadata: object; spec: object };
    const update = api.replaceNamespacedCustomObject({
      ...base,
      name: 'r',
      body: { ...current, spec: { revoked: to } },
    });
    if (accepted) {
      await expect(update).resolves.toMatchObject({ spec: { revoked: to } });
    } else {
      await expect(update).rejects.toMatchObject({ code: 422, body: expect.stringContaining(message) as unknown });
    }
    const stored = (await api.getNamespacedCustomObject({ ...base, name: 'r' })) as { spec: { revoked: boolean } };
    expect(stored.spec.revoked).toBe(accepted ? to : from);
  });
});
