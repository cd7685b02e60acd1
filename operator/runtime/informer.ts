import { isKubeError } from '../../kube/errors.js';
import type { KubeClient, KubeObject, WatchEvent } from '../../kube/index.js';

/** InformerEvent is what an informer reports: an object appeared, changed or went away. */
export type InformerEvent = 'added' | 'updated' | 'deleted';

/** InformerOptions configure one informer. */
export interface InformerOptions<T extends KubeObject> {
  /** path is the collection path, with a label selector in the query where wanted. */
  readonly path: string;
  /** onEvent is called for every change, after the cache reflects it. */
  readonly onEvent: (event: InformerEvent, object: T, old: T | undefined) => void;
  /** onError reports watch failures (the informer retries on its own). */
  readonly onError?: (error: unknown) => void;
}

/**
 * An Informer keeps an in-memory copy of one collection, listed once and then
 * kept current by a watch that resumes from the last resourceVersion and
 * re-lists only when the server says the version is too old (410). Reads of
 * the cache cost no API call, which is how an idle operator makes none.
 */
export class Informer<T extends KubeObject> {
  readonly #kube: KubeClient;
  readonly #options: InformerOptions<T>;
  readonly #cache = new Map<string, T>();
  readonly #abort = new AbortController();
  #synced = false;
  #loop: Promise<void> | undefined;

  constructor(kube: KubeClient, options: InformerOptions<T>) {
    this.#kube = kube;
    this.#options = options;
  }

  /** synced is true once the first list has filled the cache. */
  get synced(): boolean {
    return this.#synced;
  }

  /** get returns the cached object at namespace/name (or name, for cluster-scoped objects). */
  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  /** list returns every cached object. */
  list(): T[] {
    return [...this.#cache.values()];
  }

  /** size is the number of cached objects. */
  get size(): number {
    return this.#cache.size;
  }

  /**
   * remember puts an object we just wrote into the cache, so the next
   * reconcile sees our own write without waiting for the watch; the watch
   * event for the same resourceVersion is then a no-op. An older version
   * never replaces a newer one, and an object that is gone is dropped.
   */
  remember(written: T): void {
    const object = slim(written);
    const key = objectKey(object);
    // The answer to removing the last finalizer of a deleting object is the object as it was
    // deleted; caching it could outlive the watch's DELETED event and leave a ghost behind.
    if (object.metadata.deletionTimestamp !== undefined && (object.metadata.finalizers ?? []).length === 0) {
      this.#cache.delete(key);
      return;
    }
    const old = this.#cache.get(key);
    if (old !== undefined && newer(old, object)) return;
    this.#cache.set(key, object);
  }

  /** evict drops an object we just deleted. */
  evict(key: string): void {
    this.#cache.delete(key);
  }

  /** start lists, fills the cache, and keeps watching in the background; resolves once synced. */
  async start(): Promise<void> {
    const rv = await this.#relist();
    this.#synced = true;
    this.#loop = this.#watchLoop(rv);
  }

  /** stop ends the watch. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #relist(): Promise<string> {
    const list = await this.#kube.list<T>(this.#options.path);
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = objectKey(item);
      seen.add(key);
      this.#apply('ADDED', item);
    }
    for (const [key, old] of [...this.#cache]) {
      if (!seen.has(key)) {
        this.#cache.delete(key);
        this.#options.onEvent('deleted', old, old);
      }
    }
    return list.metadata.resourceVersion ?? '0';
  }

  #apply(type: WatchEvent<T>['type'], raw: T): void {
    const object = slim(raw);
    const key = objectKey(object);
    const old = this.#cache.get(key);
    if (type === 'DELETED') {
      this.#cache.delete(key);
      this.#options.onEvent('deleted', object, old);
      return;
    }
    if (old !== undefined && (old.metadata.resourceVersion === object.metadata.resourceVersion || newer(old, object))) return;
    this.#cache.set(key, object);
    this.#options.onEvent(old === undefined ? 'added' : 'updated', object, old);
  }

  // A method, not a property read, so narrowing does not assume it never changes.
  #aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  async #watchLoop(startRv: string): Promise<void> {
    let rv = startRv;
    let failures = 0;
    while (!this.#aborted()) {
      let gone = false;
      try {
        await this.#kube.watch<T>(this.#options.path, rv, (event) => {
          if (event.type === 'BOOKMARK') {
            rv = event.object.metadata.resourceVersion ?? rv;
            return;
          }
          if (event.type === 'ERROR') {
            gone = (event.object as unknown as { code?: number }).code === 410;
            return;
          }
          rv = event.object.metadata.resourceVersion ?? rv;
          this.#apply(event.type, event.object);
        }, this.#abort.signal);
        failures = 0;
      } catch (error) {
        if (this.#aborted()) return;
        gone = isKubeError(error, 410);
        failures++;
        this.#options.onError?.(error);
        await delay(Math.min(5000, 100 * 2 ** failures));
      }
      if (gone && !this.#aborted()) {
        try {
          rv = await this.#relist();
        } catch (error) {
          this.#options.onError?.(error);
          await delay(1000);
        }
      }
    }
  }
}

// managedFields are the bulk of a small object and the operator never reads
// them; dropping them keeps a thousand cached tokens and Secrets small.
function slim<T extends KubeObject>(object: T): T {
  if (!('managedFields' in object.metadata)) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...object, metadata };
}

// resourceVersions are opaque by contract, but every API server backed by
// etcd hands out increasing integers; compare them only when both parse.
function newer(a: KubeObject, b: KubeObject): boolean {
  const x = a.metadata.resourceVersion;
  const y = b.metadata.resourceVersion;
  if (x === undefined || y === undefined || !/^\d+$/.test(x) || !/^\d+$/.test(y)) return false;
  return BigInt(x) > BigInt(y);
}

/** objectKey is namespace/name, or name for cluster-scoped objects. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace === undefined ? (name ?? '') : `${namespace}/${name ?? ''}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
