import { isKubeError } from '../../kube/errors.js';
import { connectionRefOf, credentialsSecretOf, type ConnectionInUse, type ConnectionRef } from './resolver.js';
import type { CredentialsWatch } from './credentials-watch.js';
import { isConflict } from '../errors.js';
import type { Informer, InformerEvent } from '../runtime/informer.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import type { Logger } from '../runtime/logger.js';
import { InUseFinalizer, connectionPath, keyOf, splitKey } from '../names.js';
import { secretPath } from '../../kube/index.js';
import type { ConnectionObject, StorefrontTokenObject } from '../objects.js';
import { WorkQueue } from '../runtime/queue.js';

// Why these finalizers exist: deleting a namespace deletes everything in it
// at once. A token's own finalizer holds the token until it is revoked, but
// revoking needs the PlatformConnection and its credentials Secret, which
// the namespace controller would delete in the same sweep. So while any
// StorefrontToken uses them, both carry sftoken.dev/in-use:
//
//   token T ──connectionRef──▶ PlatformConnection C ──credentialsSecretRef──▶ Secret S
//                              [in-use while T exists]                        [in-use while T exists]
//
// The rule is one invariant, checked per object: the finalizer is present
// exactly when a StorefrontToken that exists (terminating ones included)
// references the object. It is added when a token resolves the connection
// (before any platform call) or when this controller sees the reference, and
// removed as soon as no token references the object, deleting or not: an
// unused connection never blocks a namespace deletion, even with the
// operator down. A deleted object that is still used stays readable with a
// deletionTimestamp, so the token's finalizer can still revoke; when the
// last token goes, the finalizer goes, and the deletion completes. Because
// the finalizers are stored on the objects, an operator that was down while
// the namespace was deleted finds them in place when it starts.
//
// Scope: a namespace-limited operator sees only its namespace's tokens, so it
// protects PlatformConnections and their Secrets there, but never decides
// for a Secret named by a ClusterPlatformConnection (tokens it cannot see may
// use it). An all-namespaces operator (clusterScoped) decides for those too.
// ClusterPlatformConnections themselves are not namespaced, so a namespace
// deletion never touches them.

/** ConnectionProtectionDeps are what the in-use finalizer controller reads and writes. */
export interface ConnectionProtectionDeps {
  readonly kube: KubeClient;
  readonly tokens: Informer<StorefrontTokenObject>;
  readonly connections: Informer<ConnectionObject>;
  /** clusterConnections is undefined when ClusterPlatformConnections are not watched. */
  readonly clusterConnections: Informer<ConnectionObject> | undefined;
  readonly credentials: CredentialsWatch;
  /** operatorNamespace holds credentials of cluster connections that name no namespace. */
  readonly operatorNamespace: string;
  /** clusterScoped: every token is visible, so Secrets of ClusterPlatformConnections are ours to protect too. */
  readonly clusterScoped: boolean;
  readonly log: Logger;
}

// Queue keys: "pconn:<namespace>/<name>" and "secret:<namespace>/<name>".
const ConnectionPrefix = 'pconn:';
const SecretPrefix = 'secret:';

/**
 * A ConnectionProtector keeps the sftoken.dev/in-use finalizer on every
 * PlatformConnection and credentials Secret a StorefrontToken references,
 * and takes it off once none does. It runs on the leader, after the token
 * cache is synced (an empty cache would look like "unused").
 */
export class ConnectionProtector {
  readonly #deps: ConnectionProtectionDeps;
  readonly #queue: WorkQueue;
  // One write at a time per object, shared by the queue and ensure(), so our own writers never conflict.
  readonly #serial = new Map<string, Promise<unknown>>();
  readonly #refused = new Set<'connection' | 'secret'>();
  #ready = false;

  constructor(deps: ConnectionProtectionDeps) {
    this.#deps = deps;
    this.#queue = new WorkQueue((key) => this.#exclusive(key, () => this.#check(key)), {
      workers: 2,
      onError: (key, error, retryInMs) => {
        if (isConflict(error)) deps.log.debug({ object: key, retryInMs }, 'in-use finalizer write conflicted; retrying');
        else deps.log.warn({ object: key, retryInMs, err: error instanceof Error ? error.message : String(error) }, 'in-use finalizer update failed; retrying');
      },
    });
  }

  /** start is called once the token cache is synced: from then on events count, and every connection and Secret is checked once. */
  start(): void {
    this.#ready = true;
    for (const c of this.#deps.connections.list()) this.connectionChanged(false, c, undefined);
    for (const c of this.#deps.clusterConnections?.list() ?? []) this.connectionChanged(true, c, undefined);
  }

  /** tokenChanged is the token informer's hook: what a new, deleted or re-pointed token references (now and before) is re-checked. */
  tokenChanged(event: InformerEvent, token: StorefrontTokenObject, old: StorefrontTokenObject | undefined): void {
    if (!this.#ready) return;
    // Status writes and spec edits that keep the connectionRef change nothing here.
    if (event === 'updated' && old !== undefined && sameRef(connectionRefOf(token), connectionRefOf(old))) return;
    for (const t of old === undefined ? [token] : [token, old]) {
      const ref = connectionRefOf(t);
      if (ref === undefined) continue;
      const connection = ref.cluster ? this.#deps.clusterConnections?.get(ref.name) : this.#deps.connections.get(keyOf(ref.namespace, ref.name));
      if (!ref.cluster) this.#queue.add(`${ConnectionPrefix}${keyOf(ref.namespace, ref.name)}`);
      if (connection !== undefined) this.#addSecretOf(ref.cluster, connection);
    }
  }

  /** connectionChanged is the connection informers' hook: the connection and the Secrets it names (now and before) are re-checked. */
  connectionChanged(cluster: boolean, connection: ConnectionObject, old: ConnectionObject | undefined): void {
    if (!this.#ready) return;
    if (!cluster) this.#queue.add(`${ConnectionPrefix}${keyOf(connection.metadata.namespace ?? '', connection.metadata.name ?? '')}`);
    this.#addSecretOf(cluster, connection);
    if (old !== undefined) this.#addSecretOf(cluster, old);
  }

  /** secretChanged is the credentials watch's hook: a Secret that appeared or started deleting is re-checked. */
  secretChanged(namespace: string, name: string): void {
    if (this.#ready) this.#queue.add(`${SecretPrefix}${keyOf(namespace, name)}`);
  }

  /**
   * ensure adds the finalizer to what a token just resolved, where it is
   * missing, before the token's reconcile goes on to the platform. Objects
   * already being deleted are left alone (the API server refuses new
   * finalizers on them). A write RBAC or the admission policy refuses is
   * warned about once and skipped: the token still works, unprotected.
   */
  async ensure(found: ConnectionInUse): Promise<void> {
    const { cluster, connection, secret } = found;
    if (!cluster && !hasInUse(connection) && connection.metadata.deletionTimestamp === undefined) {
      const key = `${ConnectionPrefix}${keyOf(connection.metadata.namespace ?? '', connection.metadata.name ?? '')}`;
      await this.#exclusive(key, () => this.#addTo(key));
    }
    if ((!cluster || this.#deps.clusterScoped) && !hasInUse(secret) && secret.metadata.deletionTimestamp === undefined) {
      const key = `${SecretPrefix}${keyOf(secret.metadata.namespace ?? '', secret.metadata.name ?? '')}`;
      await this.#exclusive(key, () => this.#addTo(key));
    }
  }

  /** usersOf lists the tokens (namespace/name) that use a connection, for messages. */
  usersOf(cluster: boolean, connection: ConnectionObject): string[] {
    const name = connection.metadata.name ?? '';
    const namespace = connection.metadata.namespace ?? '';
    return this.#deps.tokens.list().filter((t) => {
      const ref = connectionRefOf(t);
      return ref !== undefined && ref.cluster === cluster && ref.name === name && (cluster || ref.namespace === namespace);
    }).map((t) => keyOf(t.metadata.namespace ?? '', t.metadata.name ?? ''));
  }

  /** stop stops checking and waits for running checks. */
  stop(): Promise<void> {
    return this.#queue.stop();
  }

  #addSecretOf(cluster: boolean, connection: ConnectionObject): void {
    const secret = credentialsSecretOf(connection, cluster, this.#deps.operatorNamespace);
    if (secret !== undefined) this.#queue.add(`${SecretPrefix}${secret}`);
  }

  async #exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#serial.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    this.#serial.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.#serial.get(key) === settled) this.#serial.delete(key);
    }
  }

  // ensure's path: add only, and only if still missing once our turn comes.
  async #addTo(key: string): Promise<void> {
    const target = await this.#target(key);
    if (target === undefined || hasInUse(target.object) || target.object.metadata.deletionTimestamp !== undefined) return;
    await this.#write(target, true);
  }

  async #check(key: string): Promise<undefined> {
    const target = await this.#target(key);
    if (target === undefined) return undefined;
    const wanted = key.startsWith(ConnectionPrefix) ? this.#connectionUsed(target.object) : this.#secretUsed(splitKey(key.slice(SecretPrefix.length)));
    if (wanted === undefined || wanted === hasInUse(target.object)) return undefined;
    // New finalizers cannot be added to an object being deleted; it goes unprotected, as it came.
    if (wanted && target.object.metadata.deletionTimestamp !== undefined) return undefined;
    await this.#write(target, wanted);
    return undefined;
  }

  async #target(key: string): Promise<{ kind: 'connection' | 'secret'; object: KubeObject; path: string } | undefined> {
    if (key.startsWith(ConnectionPrefix)) {
      const object = this.#deps.connections.get(key.slice(ConnectionPrefix.length));
      if (object === undefined) return undefined;
      return { kind: 'connection', object, path: connectionPath('PlatformConnection', object.metadata.namespace, object.metadata.name) };
    }
    const { namespace, name } = splitKey(key.slice(SecretPrefix.length));
    // lookup, not read: a Secret whose connection is gone still needs its finalizer removed, but no new watch.
    const object = await this.#deps.credentials.lookup(namespace, name);
    return object === undefined ? undefined : { kind: 'secret', object, path: secretPath(namespace, name) };
  }

  #connectionUsed(connection: KubeObject): boolean {
    return this.usersOf(false, connection).length > 0;
  }

  // undefined: not ours to decide (a namespace-limited operator and a Secret a cluster connection names).
  #secretUsed(secret: { namespace: string; name: string }): boolean | undefined {
    const key = keyOf(secret.namespace, secret.name);
    const names = (cluster: boolean, c: ConnectionObject): boolean => credentialsSecretOf(c, cluster, this.#deps.operatorNamespace) === key;
    const namespaced = this.#deps.connections.list().filter((c) => c.metadata.namespace === secret.namespace && names(false, c));
    const cluster = (this.#deps.clusterConnections?.list() ?? []).filter((c) => names(true, c));
    if (namespaced.some((c) => this.usersOf(false, c).length > 0)) return true;
    if (cluster.length > 0 && !this.#deps.clusterScoped) return undefined;
    return cluster.some((c) => this.usersOf(true, c).length > 0);
  }

  async #write(target: { kind: 'connection' | 'secret'; object: KubeObject; path: string }, add: boolean): Promise<void> {
    if (this.#refused.has(target.kind)) return;
    const current = target.object.metadata.finalizers ?? [];
    const finalizers = add ? [...current, InUseFinalizer] : current.filter((f) => f !== InUseFinalizer);
    let written: KubeObject | undefined;
    try {
      // Merge patches replace the list whole; the resourceVersion turns a concurrent edit into a 409 and a retry.
      written = await this.#deps.kube.mergePatch<KubeObject>(target.path, { metadata: { finalizers, resourceVersion: target.object.metadata.resourceVersion } });
    } catch (error) {
      if (isKubeError(error, 404)) return;
      if (!isKubeError(error, 403)) throw error;
      if (!this.#refused.has(target.kind)) {
        this.#deps.log.warn({ object: target.path }, `not allowed to ${add ? 'add' : 'remove'} the ${InUseFinalizer} finalizer on ${target.kind === 'secret' ? 'credentials Secrets (RBAC patch on secrets, and the admission policy in deploy/admission-policy.yaml)' : 'PlatformConnections (RBAC patch on platformconnections)'}; they are not protected from namespace deletion until restart`);
      }
      this.#refused.add(target.kind);
      return;
    }
    const name = `${target.object.metadata.namespace ?? ''}/${target.object.metadata.name ?? ''}`;
    this.#deps.log.info({ [target.kind]: name, finalizer: InUseFinalizer }, add ? 'in use by a StorefrontToken: finalizer added' : 'no longer used by any StorefrontToken: finalizer removed');
    // Removing the last finalizer of a deleting object deletes it: nothing to cache, the watch reports the deletion.
    if (written === undefined || (written.metadata.deletionTimestamp !== undefined && (written.metadata.finalizers ?? []).length === 0)) return;
    if (target.kind === 'connection') this.#deps.connections.remember(written);
    else this.#deps.credentials.remember(written);
  }
}

function sameRef(a: ConnectionRef | undefined, b: ConnectionRef | undefined): boolean {
  return a?.cluster === b?.cluster && a?.name === b?.name && a?.namespace === b?.namespace;
}

function hasInUse(object: KubeObject): boolean {
  return (object.metadata.finalizers ?? []).includes(InUseFinalizer);
}

