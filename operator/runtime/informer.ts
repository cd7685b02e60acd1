import { isKubeError } from '../../kube/errors.js';
import type { KubeClient, KubeObject, WatchEvent } from '../../kube/index.js';

/** InformerEvent is what an informer reports: an object appeared, changed or went away. */
export type InformerEvent = 'added' | 'updated' | 'deleted';

/** A NamespacedSource is one namespace's part of a collection: its namespace and its collection path there. */
export interface NamespacedSource {
  readonly namespace: string;
  readonly path: string;
}

/** InformerOptions configure one informer. */
export interface InformerOptions<T extends KubeObject> {
  /**
   * path is the collection path, with a label selector in the query where
   * wanted; or one path per namespace (an operator limited to a list of
   * namespaces), each listed and watched on its own and merged into one cache.
   */
  readonly path: string | readonly NamespacedSource[];
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
  #loops: Promise<void>[] = [];

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
    const sources = this.#sources();
    const versions = await Promise.all(sources.map((source) => this.#relist(source)));
    this.#synced = true;
    this.#loops = sources.map((source, i) => this.#watchLoop(source, versions[i] ?? '0'));
  }

  /** stop ends the watches, including any wait between their retries. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#loops);
  }

  // One source per list and watch; namespace undefined: the whole collection.
  #sources(): { path: string; namespace?: string }[] {
    const { path } = this.#options;
    return typeof path === 'string' ? [{ path }] : path.map((s) => ({ path: s.path, namespace: s.namespace }));
  }

  async #relist(source: { path: string; namespace?: string }): Promise<string> {
    const list = await this.#kube.list<T>(source.path);
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = objectKey(item);
      seen.add(key);
      this.#apply('ADDED', item);
    }
    // A namespace's list speaks only for that namespace's objects.
    for (const [key, old] of [...this.#cache]) {
      if (!seen.has(key) && (source.namespace === undefined || old.metadata.namespace === source.namespace)) {
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

  async #watchLoop(source: { path: string; namespace?: string }, startRv: string): Promise<void> {
    let rv = startRv;
    let failures = 0;
    while (!this.#aborted()) {
      let gone = false;
      try {
        await this.#kube.watch<T>(source.path, rv, (event) => {
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
        await delay(Math.min(5000, 100 * 2 ** failures), this.#abort.signal);
      }
      if (gone && !this.#aborted()) {
        try {
          rv = await this.#relist(source);
        } catch (error) {
          this.#options.onError?.(error);
          await delay(1000, this.#abort.signal);
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

// Resolves early when the signal fires, so stop() never waits out a retry delay.
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
