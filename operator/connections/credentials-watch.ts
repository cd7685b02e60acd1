import { isKubeError } from '../../kube/errors.js';
import { createHash } from 'node:crypto';
import { Informer, type InformerEvent } from '../runtime/informer.js';
import type { KubeClient, SecretObject } from '../../kube/index.js';
import type { Logger } from '../runtime/logger.js';
import { keyOf, splitKey } from '../names.js';
import { secretPath } from '../../kube/index.js';

// Why one watch per credentials Secret, selected by fieldSelector=metadata.name:
//
// - Credentials Secrets are the user's, not labelled by us, so the operator's
//   label-selected Secret watch cannot see them, and labelling them would not
//   catch a Secret that is deleted and created again by hand.
// - A namespace-wide (or, for an all-namespaces operator, cluster-wide) Secret
//   watch filtered client-side would cache every Secret (Helm releases,
//   service-account tokens, TLS keys) and receive every change to any of them:
//   memory and traffic that grow with the cluster, for the handful we need.
// - Field selectors allow no "name in (a, b)", so one watch per name it is.
//   There are as many as there are distinct credentials Secrets named by
//   connections (a few, not one per token). Each is served from the API
//   server's watch cache; while nothing changes it costs an idle stream, a
//   bookmark now and then, and a resume (no list) every 5 minutes, which is
//   less than the GET every 30 to 60 s it replaces. A watch also sees the
//   Secret appear, which a cached GET only noticed on its next expiry.

/** CredentialsChange is what changed about a credentials Secret that its users care about. */
export type CredentialsChange = 'created' | 'deleted' | 'data' | 'deleting';

/** CredentialsWatchOptions configure a CredentialsWatch. */
export interface CredentialsWatchOptions {
  readonly kube: KubeClient;
  readonly log: Logger;
  /** onChange is called after the cache reflects a change to existence, data or deletion (never for metadata-only edits such as our finalizer). */
  readonly onChange: (namespace: string, name: string, change: CredentialsChange) => void;
}

interface Watched {
  readonly informer: Informer<SecretObject>;
  /** ready settles once the first list is in: undefined, or the error that stopped it. */
  readonly ready: Promise<Error | undefined>;
  /** direct: the API server refused the watch (RBAC), so reads are plain GETs. */
  direct: boolean;
}

/**
 * A CredentialsWatch keeps the credentials Secrets that connections name in
 * memory, each kept current by its own name-selected watch, and reports
 * their changes so tokens and connection status are re-checked within a
 * second or so instead of on a timer. Reads hit the cache: an idle operator
 * makes no Secret requests.
 */
export class CredentialsWatch {
  readonly #options: CredentialsWatchOptions;
  readonly #watched = new Map<string, Watched>();
  #stopped = false;
  #warnedDirect = false;

  constructor(options: CredentialsWatchOptions) {
    this.#options = options;
  }

  /** track watches exactly these Secrets (namespace/name keys): new ones start, ones no longer named stop. */
  track(keys: ReadonlySet<string>): void {
    if (this.#stopped) return;
    for (const key of keys) if (!this.#watched.has(key)) this.#start(key);
    for (const [key, watched] of this.#watched) {
      if (keys.has(key)) continue;
      this.#watched.delete(key);
      void watched.informer.stop();
    }
  }

  /** read returns the Secret as last seen, or undefined when it does not exist; the first read of a Secret waits for its watch's list. */
  async read(namespace: string, name: string): Promise<SecretObject | undefined> {
    const key = keyOf(namespace, name);
    const watched = this.#watched.get(key) ?? this.#start(key);
    const failure = await watched.ready;
    if (failure !== undefined) throw failure;
    if (watched.direct) return this.#options.kube.get<SecretObject>(secretPath(namespace, name));
    return watched.informer.get(key);
  }

  /** lookup is read for a Secret that may no longer be named: from the cache if it is watched, else one GET without starting a watch. */
  async lookup(namespace: string, name: string): Promise<SecretObject | undefined> {
    if (this.#watched.has(keyOf(namespace, name))) return this.read(namespace, name);
    return this.#options.kube.get<SecretObject>(secretPath(namespace, name));
  }

  /** remember puts a Secret we just wrote (a finalizer) into the cache, so the next read sees it. */
  remember(secret: SecretObject): void {
    this.#watched.get(keyOf(secret.metadata.namespace ?? '', secret.metadata.name ?? ''))?.informer.remember(secret);
  }

  /** size is the number of Secrets watched. */
  get size(): number {
    return this.#watched.size;
  }

  /** stop ends every watch. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const all = [...this.#watched.values()];
    this.#watched.clear();
    await Promise.all(all.map((w) => w.informer.stop()));
  }

  #start(key: string): Watched {
    const { namespace, name } = splitKey(key);
    const informer: Informer<SecretObject> = new Informer<SecretObject>(this.#options.kube, {
      path: `${secretPath(namespace)}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`,
      onEvent: (event, secret, old) => {
        // The first list only fills the cache: whoever reads it next sees the Secret anyway.
        if (!informer.synced) return;
        const change = changeOf(event, secret, old);
        if (change !== undefined) this.#options.onChange(namespace, name, change);
      },
      onError: (error) => { this.#options.log.warn({ secret: key, err: String(error) }, 'credentials Secret watch failed; retrying'); },
    });
    const watched: Watched = {
      informer,
      ready: informer.start().then(() => undefined, (error: unknown) => {
        if (isKubeError(error, 403)) {
          // A Role with get but not list/watch on this namespace's Secrets: work, just without events.
          watched.direct = true;
          if (!this.#warnedDirect) this.#options.log.warn({ secret: key }, 'not allowed to watch credentials Secrets (RBAC needs list and watch); reading them on demand, changes show only on the next re-check');
          this.#warnedDirect = true;
          return undefined;
        }
        // Forget the failed watch so the next read starts a new one.
        if (this.#watched.get(key) === watched) this.#watched.delete(key);
        return error instanceof Error ? error : new Error(String(error));
      }),
      direct: false,
    };
    this.#watched.set(key, watched);
    return watched;
  }
}

function changeOf(event: InformerEvent, secret: SecretObject, old: SecretObject | undefined): CredentialsChange | undefined {
  if (event === 'added') return 'created';
  if (event === 'deleted') return 'deleted';
  if (old === undefined || credentialsVersion(old) !== credentialsVersion(secret)) return 'data';
  if (old.metadata.deletionTimestamp === undefined && secret.metadata.deletionTimestamp !== undefined) return 'deleting';
  return undefined;
}

/**
 * credentialsVersion identifies a credentials Secret's content (type and
 * data), not its resourceVersion: our own finalizer writes change the
 * latter, and must not throw away a connection's client and rate limiter.
 */
export function credentialsVersion(secret: SecretObject): string {
  const data = Object.entries(secret.data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([secret.type ?? '', data])).digest('hex').slice(0, 16);
}
