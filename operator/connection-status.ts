import type { Condition } from '../core/schema/status.js';
import { checkConnection, type AdapterLookup } from './connections.js';
import { isOperatorError } from './errors.js';
import type { Informer, InformerEvent } from './informer.js';
import type { KubeClient, SecretObject } from './kube.js';
import type { Logger } from './logger.js';
import { connectionPath, secretPath } from './names.js';
import type { ConnectionObject } from './objects.js';
import { WorkQueue } from './queue.js';
import { setCondition } from './status.js';

/** ConnectionStatus is the status subresource of PlatformConnection and ClusterPlatformConnection. */
export interface ConnectionStatus {
  observedGeneration?: number;
  conditions?: Condition[];
}

/** ConnectionStatusDeps are what the connection status writer reads and writes. */
export interface ConnectionStatusDeps {
  readonly kube: KubeClient;
  readonly connections: Informer<ConnectionObject>;
  readonly clusterConnections: Informer<ConnectionObject>;
  readonly adapterFor: AdapterLookup;
  /** operatorNamespace holds credentials of cluster connections that name no namespace. */
  readonly operatorNamespace: string;
  /** clusterScoped: also maintain ClusterPlatformConnections (off for a namespace-limited operator). */
  readonly clusterScoped: boolean;
  /** recheckMs: credentials Secrets are not watched, so each connection is looked at again this often. */
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
 * observedGeneration changes, so an idle operator writes nothing; its
 * periodic re-check is a read of the credentials Secret.
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
    if (event === 'updated' && old?.metadata.generation === object.metadata.generation) return;
    this.#queue.add(key);
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
    const object = informer.get(cacheKey);
    if (object === undefined || this.#forbidden) return undefined;
    // Read fresh on every check (no cache): a fixed Secret should show within one period.
    const read = (namespace: string, name: string): Promise<SecretObject | undefined> => this.#deps.kube.get<SecretObject>(secretPath(namespace, name));
    const checked = await checkConnection(object, cluster, this.#deps.operatorNamespace, read, this.#deps.adapterFor);
    const ready = checked.ok
      ? { status: 'True' as const, reason: 'Ready', message: `Credentials for ${checked.conn.platform} found in Secret ${checked.secretName}` }
      : { status: 'False' as const, reason: checked.reason, message: checked.message };
    const generation = object.metadata.generation ?? 0;
    const previous = (object['status'] ?? {}) as ConnectionStatus;
    const old = previous.conditions?.find((c) => c.type === 'Ready');
    const unchanged = previous.observedGeneration === generation && old?.status === ready.status && old.reason === ready.reason
      && old.message === ready.message && old.observedGeneration === generation;
    if (!unchanged) {
      const conditions = setCondition(previous.conditions ?? [], { type: 'Ready', ...ready, observedGeneration: generation }, this.#deps.now());
      const kind = cluster ? 'ClusterPlatformConnection' : 'PlatformConnection';
      const path = `${connectionPath(kind, object.metadata.namespace, object.metadata.name)}/status`;
      let written: ConnectionObject | undefined;
      try {
        written = await this.#deps.kube.mergePatch<ConnectionObject>(path, { status: { observedGeneration: generation, conditions } });
      } catch (error) {
        if (!isOperatorError(error, 'ERR_KUBE') || error.status !== 403) throw error;
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
}
