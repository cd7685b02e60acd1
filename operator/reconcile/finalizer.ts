import type { Informer } from '../runtime/informer.js';
import type { KubeClient, SecretObject } from '../../kube/index.js';
import { Finalizer, ManagedByLabel, RoleLabel, TokenLabel, tokenPath } from '../names.js';
import { secretPath } from '../../kube/index.js';
import type { StorefrontTokenObject } from '../objects.js';

/** hasFinalizer tells whether the token carries our finalizer. */
export function hasFinalizer(object: StorefrontTokenObject): boolean {
  return (object.metadata.finalizers ?? []).includes(Finalizer);
}

// Merge patches replace lists whole; the resourceVersion makes the write fail
// (409, requeue) rather than drop a finalizer someone else added meanwhile.
async function setFinalizers(kube: KubeClient, tokens: Informer<StorefrontTokenObject>, object: StorefrontTokenObject, finalizers: string[]): Promise<StorefrontTokenObject> {
  const patched = await kube.mergePatch<StorefrontTokenObject>(tokenPath(object.metadata.namespace, object.metadata.name), {
    metadata: { finalizers, resourceVersion: object.metadata.resourceVersion },
  });
  if (patched === undefined) return object;
  tokens.remember(patched);
  return patched;
}

/** ensureFinalizer adds our finalizer before anything is issued, so deletion always passes through us. */
export async function ensureFinalizer(kube: KubeClient, tokens: Informer<StorefrontTokenObject>, object: StorefrontTokenObject): Promise<StorefrontTokenObject> {
  if (hasFinalizer(object)) return object;
  return setFinalizers(kube, tokens, object, [...(object.metadata.finalizers ?? []), Finalizer]);
}

/** removeFinalizer lets the API server finish deleting the token; owned Secrets then go to garbage collection. */
export async function removeFinalizer(kube: KubeClient, tokens: Informer<StorefrontTokenObject>, object: StorefrontTokenObject): Promise<void> {
  if (!hasFinalizer(object)) return;
  await setFinalizers(kube, tokens, object, (object.metadata.finalizers ?? []).filter((f) => f !== Finalizer));
}

/**
 * releaseDestination detaches the destination Secret from the token (owner
 * reference and our labels) so garbage collection keeps it: with
 * deletionPolicy Orphan the token stays valid, and its only copy must not be
 * deleted with the resource.
 */
export async function releaseDestination(kube: KubeClient, secret: SecretObject, uid: string): Promise<void> {
  const owners = (secret.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
  await kube.mergePatch(secretPath(secret.metadata.namespace, secret.metadata.name), {
    metadata: {
      resourceVersion: secret.metadata.resourceVersion,
      ownerReferences: owners,
      labels: { [ManagedByLabel]: null, [TokenLabel]: null, [RoleLabel]: null },
      annotations: { 'sftoken.dev/orphaned': 'true' },
    },
  });
}
