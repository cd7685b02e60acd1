import { REVOKED_ANNOTATION, type FoundSecret, type SecretContent } from '../../core/delivery/secret-content.js';
import { OPAQUE_TYPE } from '../../core/schema/secret-type.js';
import type { Destination } from '../../core/reconcile/ports.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { Informer } from '../runtime/informer.js';
import type { KubeClient, SecretObject } from '../../kube/index.js';
import { ManagedByLabel, ManagedByValue, RoleLabel, TokenLabel, keyOf, labelValue } from '../names.js';
import { secretPath } from '../../kube/index.js';
import { ownerOf, type TokenIdentity } from './state.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/** ownedBy tells whether a Secret's controller owner is this token (by uid, never by name). */
export function ownedBy(secret: SecretObject, uid: string): boolean {
  return (secret.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.uid === uid);
}

/** contentOf reads a Secret object as engine content (data decoded). */
export function contentOf(secret: SecretObject): SecretContent {
  return {
    type: secret.type ?? OPAQUE_TYPE,
    data: Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, unb64(v)])),
    labels: secret.metadata.labels ?? {},
    annotations: secret.metadata.annotations ?? {},
  };
}

/** foundOf is the destination as decide() needs it: ours or not, and what it holds. */
export function foundOf(secret: SecretObject | undefined, uid: string): FoundSecret | undefined {
  return secret === undefined ? undefined : { owned: ownedBy(secret, uid), content: contentOf(secret) };
}

/** destinationObject is the engine's content as the operator writes it: owned by the token, labelled as ours. */
export function destinationObject(token: TokenIdentity, name: string, content: SecretContent): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: content.type,
    metadata: {
      name,
      namespace: token.namespace,
      labels: { ...content.labels, [ManagedByLabel]: ManagedByValue, [TokenLabel]: labelValue(token.name), [RoleLabel]: 'destination' },
      annotations: { ...content.annotations },
      ownerReferences: [ownerOf(token)],
    },
    data: Object.fromEntries(Object.entries(content.data).map(([k, v]) => [k, b64(v)])),
  };
}

/**
 * SecretDestination is the operator's Destination: the Secret named by
 * spec.secret, controlled by the token through an owner reference. It
 * creates a Secret it has not seen (so a foreign one that appeared meanwhile
 * makes the create fail rather than be overwritten) and replaces only its own.
 */
export class SecretDestination implements Destination {
  readonly #kube: KubeClient;
  readonly #secrets: Informer<SecretObject>;
  readonly #token: TokenIdentity;
  readonly #name: string;
  #found: SecretObject | undefined;

  constructor(kube: KubeClient, secrets: Informer<SecretObject>, token: TokenIdentity, spec: StorefrontTokenSpec, found: SecretObject | undefined) {
    this.#kube = kube;
    this.#secrets = secrets;
    this.#token = token;
    this.#name = spec.secret.name;
    this.#found = found;
  }

  #actual(): SecretObject | undefined {
    return this.#secrets.get(keyOf(this.#token.namespace, this.#name)) ?? this.#found;
  }

  async publish(content: SecretContent): Promise<void> {
    const desired = destinationObject(this.#token, this.#name, content);
    const actual = this.#actual();
    let written: SecretObject | undefined;
    if (actual === undefined) {
      written = await this.#kube.send<SecretObject>('POST', secretPath(this.#token.namespace), desired);
    } else if (!ownedBy(actual, this.#token.uid)) {
      return;
    } else if ((actual.type ?? OPAQUE_TYPE) !== desired.type) {
      written = await this.#replace(actual, desired);
    } else {
      // Labels and annotations others added (e.g. Reloader's) are kept.
      const merged: SecretObject = {
        ...desired,
        metadata: {
          ...desired.metadata,
          labels: { ...actual.metadata.labels, ...desired.metadata.labels },
          annotations: { ...withoutEngineMarks(actual.metadata.annotations), ...desired.metadata.annotations },
          ...(actual.metadata.resourceVersion === undefined ? {} : { resourceVersion: actual.metadata.resourceVersion }),
        },
      };
      written = await this.#kube.send<SecretObject>('PUT', secretPath(this.#token.namespace, this.#name), merged);
    }
    if (written !== undefined) {
      this.#found = written;
      this.#secrets.remember(written);
    }
  }

  // Kubernetes never changes a Secret's type, so a new type means a new
  // Secret: delete ours (only the version read: a concurrent write makes it
  // fail and retry), then create it. A crash in between leaves the Secret
  // missing and the token in the state Secret, so the next pass publishes it.
  async #replace(actual: SecretObject, desired: SecretObject): Promise<SecretObject | undefined> {
    await this.#kube.send('DELETE', secretPath(this.#token.namespace, this.#name), { preconditions: { uid: actual.metadata.uid, resourceVersion: actual.metadata.resourceVersion } }, undefined, [404]);
    this.#secrets.evict(keyOf(this.#token.namespace, this.#name));
    this.#found = undefined;
    const labels = { ...actual.metadata.labels, ...desired.metadata.labels };
    const annotations = { ...withoutEngineMarks(actual.metadata.annotations), ...desired.metadata.annotations };
    return this.#kube.send<SecretObject>('POST', secretPath(this.#token.namespace), { ...desired, metadata: { ...desired.metadata, labels, annotations } });
  }

  async retract(mode: 'Delete' | 'Empty', retracted: (actual: SecretContent) => SecretContent): Promise<boolean> {
    const actual = this.#actual();
    if (actual === undefined || !ownedBy(actual, this.#token.uid)) return false;
    const path = secretPath(this.#token.namespace, this.#name);
    if (mode === 'Delete') {
      await this.#kube.send('DELETE', path, { preconditions: { uid: actual.metadata.uid } }, undefined, [404]);
      this.#secrets.evict(keyOf(this.#token.namespace, this.#name));
      this.#found = undefined;
      return true;
    }
    const content = retracted(contentOf(actual));
    const body: SecretObject = {
      ...actual,
      metadata: { ...actual.metadata, annotations: { ...content.annotations } },
      data: Object.fromEntries(Object.entries(content.data).map(([k, v]) => [k, b64(v)])),
    };
    const written = await this.#kube.send<SecretObject>('PUT', path, body);
    if (written !== undefined) this.#secrets.remember(written);
    return true;
  }
}

// A republish after a revocation must not keep the revoked mark.
function withoutEngineMarks(annotations: Record<string, string> | undefined): Record<string, string> {
  const { [REVOKED_ANNOTATION]: _revoked, ...rest } = annotations ?? {};
  return rest;
}
