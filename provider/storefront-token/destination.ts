import { sameContent, type FoundSecret, type SecretContent } from '../../core/delivery/secret-content.js';
import { CoreError } from '../../core/errors.js';
import type { Destination } from '../../core/reconcile/ports.js';
import type { SecretRef, SecretStore, StoredSecret } from '../config/secret-store.js';
import { MANAGED_BY, OWNER_ANNOTATION, ownedBy, ownerValue } from './ownership.js';

/** foundOf is a destination Secret as the engine sees it: ours (owner annotation) or not, and its content. */
export function foundOf(secret: StoredSecret | undefined, id: string): FoundSecret | undefined {
  return secret === undefined ? undefined : { owned: ownedBy(secret, id), content: secret };
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
      labels: { ...content.labels, ...MANAGED_BY },
      annotations: { ...content.annotations, [OWNER_ANNOTATION]: ownerValue(this.#id) },
      data: content.data,
    };
    if (live !== undefined && sameContent(live, desired) && Object.keys(live.annotations).every((k) => k in desired.annotations)) return;
    await this.#secrets.put(desired, this.#signal);
  }

  async retract(mode: 'Delete' | 'Empty', retracted: (actual: SecretContent) => SecretContent): Promise<boolean> {
    const live = await this.#secrets.get(this.#ref, this.#signal);
    if (live === undefined || !ownedBy(live, this.#id)) return false;
    if (mode === 'Delete') await this.#secrets.delete(this.#ref, this.#signal);
    else await this.#secrets.put({ ...live, ...retracted(live) }, this.#signal);
    return true;
  }
}
