import { sameContent, type FoundSecret, type SecretContent } from '../../core/delivery/secret-content.js';
import { CoreError } from '../../core/errors.js';
import { OPAQUE_TYPE } from '../../core/schema/secret-type.js';
import type { Destination } from '../../core/reconcile/ports.js';
import type { SecretRef, SecretStore, StoredSecret } from '../config/secret-store.js';
import { MANAGED_BY, OWNER_ANNOTATION, ownedBy, ownerValue } from './ownership.js';

/** contentOf is a stored Secret as engine content (no type means Opaque). */
export function contentOf(secret: StoredSecret): SecretContent {
  return { type: secret.type ?? OPAQUE_TYPE, data: secret.data, labels: secret.labels, annotations: secret.annotations };
}

/** foundOf is a destination Secret as the engine sees it: ours (owner annotation) or not, and its content. */
export function foundOf(secret: StoredSecret | undefined, id: string): FoundSecret | undefined {
  return secret === undefined ? undefined : { owned: ownedBy(secret, id), content: contentOf(secret) };
}

/**
 * SecretStoreDestination is the provider's Destination: the Secret named by
 * `secret`, marked as written by this resource with the owner annotation.
 * It writes only when the content differs, and never touches a Secret that
 * another resource or a person wrote.
 */
export class SecretStoreDestination implements Destination {
  readonly #secrets: SecretStore;
  readonly #ref: SecretRef;
  readonly #id: string;
  readonly #signal: AbortSignal | undefined;

  constructor(secrets: SecretStore, ref: SecretRef, id: string, signal?: AbortSignal) {
    this.#secrets = secrets;
    this.#ref = ref;
    this.#id = id;
    this.#signal = signal;
  }

  async publish(content: SecretContent): Promise<void> {
    const live = await this.#secrets.get(this.#ref, this.#signal);
    if (live !== undefined && !ownedBy(live, this.#id)) {
      throw new CoreError('ERR_UNSUPPORTED', `Secret ${this.#ref.namespace}/${this.#ref.name} exists and was not written by this resource; rename secret.name or delete that Secret`, { path: ['secret', 'name'] });
    }
    const desired: StoredSecret = {
      ...this.#ref,
      type: content.type,
      labels: { ...content.labels, ...MANAGED_BY },
      annotations: { ...content.annotations, [OWNER_ANNOTATION]: ownerValue(this.#id) },
      data: content.data,
    };
    if (live !== undefined && sameContent(contentOf(live), contentOf(desired)) && Object.keys(live.annotations).every((k) => k in desired.annotations)) return;
    // Kubernetes never changes a Secret's type, so a new type means a new
    // Secret: delete ours, then create it. An apply killed in between leaves
    // the Secret missing and the token in the state Secret; the next apply
    // publishes it.
    if (live !== undefined && contentOf(live).type !== content.type) {
      await this.#secrets.delete(this.#ref, this.#signal);
      await this.#secrets.put(desired, this.#signal, { create: true });
      return;
    }
    await this.#secrets.put(desired, this.#signal);
  }

  async retract(mode: 'Delete' | 'Empty', retracted: (actual: SecretContent) => SecretContent): Promise<boolean> {
    const live = await this.#secrets.get(this.#ref, this.#signal);
    if (live === undefined || !ownedBy(live, this.#id)) return false;
    if (mode === 'Delete') await this.#secrets.delete(this.#ref, this.#signal);
    else await this.#secrets.put({ ...live, ...retracted(contentOf(live)) }, this.#signal);
    return true;
  }
}
