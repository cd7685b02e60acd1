/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's generated models are behaviour-free classes and its serializer takes plain objects; constructing instances would only add noise. */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { onTestFinished } from 'vitest';

/** EphemeralLabel marks namespaces made by freshNamespace, so stray ones are easy to find. */
export const EphemeralLabel = 'storefront-token.dev/test-namespace';

/**
 * freshNamespace creates a uniquely named namespace and, when called inside a
 * test, deletes it after that test (the namespace controller then removes its
 * contents). Call it from the test body, not from beforeAll.
 */
export async function freshNamespace(kc: KubeConfig, prefix = 'sft-test'): Promise<string> {
  const api = kc.makeApiClient(CoreV1Api);
  const created = await api.createNamespace({
    body: { metadata: { generateName: `${prefix}-`, labels: { [EphemeralLabel]: 'true' } } },
  });
  const name = created.metadata?.name;
  if (name === undefined) throw new Error('the API server returned a namespace without a name');
  onTestFinished(async () => {
    await api.deleteNamespace({ name }).catch(() => undefined);
  });
  return name;
}
