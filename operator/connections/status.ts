import { isKubeError } from '../../kube/errors.js';
import type { Condition } from '../../core/schema/status.js';
import { checkConnection, type AdapterLookup, type CheckedConnection, type CredentialsReader } from './resolver.js';
import type { Informer, InformerEvent } from '../runtime/informer.js';
import type { KubeClient } from '../../kube/index.js';
import type { Logger } from '../runtime/logger.js';
import { InUseFinalizer, connectionPath } from '../names.js';
import type { ConnectionObject } from '../objects.js';
import { WorkQueue } from '../runtime/queue.js';
import { setCondition } from '../reconcile/status.js';

/** ConnectionStatus is the status subresource of PlatformConnection and ClusterPlatformConnection. */
export interface ConnectionStatus {
  observedGeneration?: number;
  conditions?: Condition[];
}

/** ConnectionStatusDeps are what the connection status writer reads and writes. */
export interface ConnectionStatusDeps {
  readonly kube: KubeClient;
  readonly connections: Informer<ConnectionObject>;
  /** clusterConnections is undefined when ClusterPlatformConnections are not watched. */
  readonly clusterConnections: Informer<ConnectionObject> | undefined;
  /** credentials reads credentials Secrets (the CredentialsWatch cache in the operator, so a check costs no request). */
  readonly credentials: CredentialsReader;
  /** usersOf lists the tokens using a connection, named while it or its Secret is kept for them. */
  readonly usersOf?: (cluster: boolean, connection: ConnectionObject) => readonly string[];
  readonly adapterFor: AdapterLookup;
  /** operatorNamespace holds credentials of cluster connections that name no namespace. */
  readonly operatorNamespace: string;
  /** clusterScoped: also maintain ClusterPlatformConnections (off for a namespace-limited operator). */
  readonly clusterScoped: boolean;
  /** recheckMs: a safety-net re-check; credentials Secret changes arrive through recheck() within a second. */
  readonly recheckMs: number;
  readonly log: Logger;
  readonly now: () => Date;
}

// Queue keys keep the two kinds apart: "cluster:<name>" and "ns:<namespace>/<name>".
const ClusterPrefix = 'cluster:';
const NamespacedPrefix = 'ns:';

/**
 * A ConnectionStatusWriter keeps a Ready condition on every connection the
 * operator watches, from the same checks token resolution uses (spec, the
 * namespace rule, credentials Secret and its keys), never a platform call.
 * It runs on the leader only. It writes only when the condition or
 * observedGeneration changes, so an idle operator writes nothing. The
 * credentials watch calls recheck() when a Secret appears, changes, starts
 * deleting or goes; the periodic re-check reads the same cache.
 */
export class ConnectionStatusWriter {
  readonly #deps: ConnectionStatusDeps;
  readonly #queue: WorkQueue;
  /** forbidden: RBAC refused a status write; stop trying rather than retry a failing write forever. */
  #forbidden = false;

  constructor(deps: ConnectionStatusDeps) {
    this.#deps = deps;
    this.#queue = new WorkQueue((key) => this.#check(key), {
      workers: 4,
      // A failing write (e.g. RBAC) retries no slower than the regular re-check.
      maxBackoffMs: deps.recheckMs,
      onError: (key, error, retryInMs) => {
        deps.log.warn({ connection: key, retryInMs, err: error instanceof Error ? error.message : String(error) }, 'connection status check failed; retrying');
      },
    });
  }

  /**
   * observe is the connection informers' hook. A connection is checked when
   * it appears or its spec changes (generation); status-only updates, our
   * own writes included, are ignored so two writers can never ping-pong.
   */
  observe(cluster: boolean, event: InformerEvent, object: ConnectionObject, old: ConnectionObject | undefined): void {
    if (this.#forbidden || (cluster && !this.#deps.clusterScoped)) return;
    const key = cluster ? `${ClusterPrefix}${object.metadata.name ?? ''}` : `${NamespacedPrefix}${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
    if (event === 'deleted') {
      this.#queue.forget(key);
      return;
    }
    const deletionStarted = old?.metadata.deletionTimestamp === undefined && object.metadata.deletionTimestamp !== undefined;
    if (event === 'updated' && old?.metadata.generation === object.metadata.generation && !deletionStarted) return;
    this.#queue.add(key);
  }

  /** recheck looks at a connection again now: its credentials Secret changed. */
  recheck(cluster: boolean, object: ConnectionObject): void {
    if (this.#forbidden || (cluster && !this.#deps.clusterScoped)) return;
    this.#queue.add(cluster ? `${ClusterPrefix}${object.metadata.name ?? ''}` : `${NamespacedPrefix}${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`);
  }

  /** stop stops checking and waits for running checks. */
  stop(): Promise<void> {
    return this.#queue.stop();
  }

  // A method, not a property read, so narrowing does not assume it never changes across awaits.
  #refused(): boolean {
    return this.#forbidden;
  }

  async #check(key: string): Promise<number | undefined> {
    const cluster = key.startsWith(ClusterPrefix);
    const cacheKey = cluster ? key.slice(ClusterPrefix.length) : key.slice(NamespacedPrefix.length);
    const informer = cluster ? this.#deps.clusterConnections : this.#deps.connections;
    const object = informer?.get(cacheKey);
    if (informer === undefined || object === undefined || this.#forbidden) return undefined;
    const checked = await checkConnection(object, cluster, this.#deps.operatorNamespace, this.#deps.credentials, this.#deps.adapterFor);
    const deleting = checked.ok ? this.#deleting(cluster, object, checked) : undefined;
    // A deleting connection nobody uses is about to go; a status write would only race its removal.
    if (deleting?.users === 0 && object.metadata.deletionTimestamp !== undefined) return undefined;
    const ready = checked.ok
      ? deleting ?? { status: 'True' as const, reason: 'Ready', message: `Credentials for ${checked.conn.platform} found in Secret ${checked.secretName}` }
      : { status: 'False' as const, reason: checked.reason, message: checked.message };
    const generation = object.metadata.generation ?? 0;
    const previous = (object['status'] ?? {}) as ConnectionStatus;
    const old = previous.conditions?.find((c) => c.type === 'Ready');
    const unchanged = previous.observedGeneration === generation && old?.status === ready.status && old.reason === ready.reason
      && old.message === ready.message && old.observedGeneration === generation;
    if (!unchanged) {
      const conditions = setCondition(previous.conditions ?? [], { type: 'Ready', status: ready.status, reason: ready.reason, message: ready.message, observedGeneration: generation }, this.#deps.now());
      const kind = cluster ? 'ClusterPlatformConnection' : 'PlatformConnection';
      const path = `${connectionPath(kind, object.metadata.namespace, object.metadata.name)}/status`;
      let written: ConnectionObject | undefined;
      try {
        written = await this.#deps.kube.mergePatch<ConnectionObject>(path, { status: { observedGeneration: generation, conditions } });
      } catch (error) {
        if (!isKubeError(error, 403)) throw error;
        // An older ClusterRole without patch on connections' status: one warning, then no more writes.
        // Another check may have hit the same refusal while this one awaited; warn once.
        if (!this.#refused()) this.#deps.log.warn({ connection: `${kind} ${cacheKey}` }, 'not allowed to patch connection status (RBAC); connection status is off until restart');
        this.#forbidden = true;
        return undefined;
      }
      if (written !== undefined) informer.remember(written);
      if (old?.status !== ready.status || old.reason !== ready.reason) {
        this.#deps.log.info({ connection: `${kind} ${cacheKey}`, ready: ready.status, reason: ready.reason }, ready.message);
      }
    }
    return this.#deps.recheckMs;
  }

  // A deleted connection or credentials Secret that tokens still use is kept
  // (in-use finalizer) only so those tokens can be revoked: say so, and who.
  #deleting(cluster: boolean, object: ConnectionObject, checked: CheckedConnection): { status: 'False'; reason: string; message: string; users: number } | undefined {
    const what = object.metadata.deletionTimestamp !== undefined ? checked.where : checked.secret.metadata.deletionTimestamp !== undefined ? `Credentials Secret ${checked.secretName}` : undefined;
    if (what === undefined) return undefined;
    const users = this.#deps.usersOf?.(cluster, object) ?? [];
    const shown = users.length > 3 ? `${users.slice(0, 3).join(', ')} and ${users.length - 3} more` : users.join(', ');
    const message = users.length === 0
      ? `${what} is being deleted`
      : `${what} is being deleted; ${InUseFinalizer} keeps it until no StorefrontToken uses it, so they can still be revoked: ${shown}`;
    return { status: 'False', reason: 'Deleting', message, users: users.length };
  }
}
