import { hostname } from 'node:os';
import { ConnectionProtector } from './connections/protection.js';
import { ConnectionStatusWriter } from './connections/status.js';
import { ConnectionResolver, connectionsNaming, namedCredentials, tokenConnection, type AdapterLookup, type ConnectionCaches } from './connections/resolver.js';
import { makeReconciler } from './reconcile/controller.js';
import { CredentialsWatch } from './connections/credentials-watch.js';
import { EventRecorder, type EventSink } from './runtime/events.js';
import { startHealthServer, type HealthServer } from './runtime/health.js';
import { Informer, type InformerEvent, type InformerOptions } from './runtime/informer.js';
import { KubeClient, currentNamespace, loadKubeConfig, type SecretObject } from '../kube/index.js';
import { LeaderElector } from './runtime/leader.js';
import { createLogger, type Logger } from './runtime/logger.js';
import { OperatorMetrics } from './runtime/metrics.js';
import { FieldManager, ManagedSelector, connectionPath, keyOf, tokenPath } from './names.js';
import { secretPath } from '../kube/index.js';
import type { ConnectionObject, StorefrontTokenObject } from './objects.js';
import { ObservationCache } from './reconcile/observations.js';
import { WorkQueue } from './runtime/queue.js';

/** OperatorOptions configure one operator replica; only adapterFor is required. */
export interface OperatorOptions {
  /** adapterFor returns each platform's adapter (core/adapters/registry in production). */
  readonly adapterFor: AdapterLookup;
  /** kubeconfigPath; @default the default chain (KUBECONFIG, ~/.kube/config, in-cluster) */
  readonly kubeconfigPath?: string;
  /** namespace the operator runs in: its Lease, and credentials of cluster connections. @default the kubeconfig's */
  readonly namespace?: string;
  /** watchNamespaces limits the operator to these namespaces: it lists and watches each on its own, never the whole cluster's. @default all namespaces */
  readonly watchNamespaces?: readonly string[];
  /** watchNamespace is watchNamespaces with one namespace. */
  readonly watchNamespace?: string;
  /** clusterConnections: watch ClusterPlatformConnections (cluster-wide). Off, tokens that name one get ClusterConnectionsDisabled, and a namespace-limited operator lists and watches nothing cluster-wide. @default true */
  readonly clusterConnections?: boolean;
  /** workers reconciling at once. @default 16 */
  readonly workers?: number;
  /** pollIntervalMs: how often a steady token is observed at the platform. @default 600000 */
  readonly pollIntervalMs?: number;
  /** connectionRecheckMs: how often each connection's Ready condition is re-checked from the cache (Secret changes arrive by watch). @default 60000 */
  readonly connectionRecheckMs?: number;
  /** clusterConnectionStatus: maintain ClusterPlatformConnection status. @default true unless watchNamespaces is set */
  readonly clusterConnectionStatus?: boolean;
  /** leaderElection on a Lease, so two replicas are safe. @default true */
  readonly leaderElection?: boolean;
  /** leaseName of the leader-election Lease. @default storefront-token-operator */
  readonly leaseName?: string;
  /** identity in the Lease. @default hostname-pid */
  readonly identity?: string;
  /** healthHost for /healthz, /readyz, /metrics. @default 127.0.0.1 */
  readonly healthHost?: string;
  /** healthPort; 0 picks a free port, -1 serves nothing. @default 8080 */
  readonly healthPort?: number;
  /** log is the JSON logger. @default pino to stdout at info */
  readonly log?: Logger;
  /** eventSink also receives every event recorded (tests grep them). */
  readonly eventSink?: EventSink;
  /** now is the clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** A RunningOperator is a started replica. */
export interface RunningOperator {
  readonly metrics: OperatorMetrics;
  readonly health: HealthServer | undefined;
  /** leading tells whether this replica holds the Lease (always true without leader election). */
  readonly leading: () => boolean;
  /** done resolves with an exit code when the replica stops on its own (leadership lost). */
  readonly done: Promise<number>;
  /** stop shuts the replica down: stop taking work, finish running steps, release the Lease. */
  stop(): Promise<void>;
}

/**
 * runOperator starts one replica: it waits for the Lease, then lists and
 * watches StorefrontTokens, connections, the Secrets it owns (label-selected,
 * so memory does not grow with the cluster's Secrets) and, one by name, the
 * credentials Secrets connections name; it reconciles each token on a work
 * queue and keeps the in-use finalizers on connections and credentials.
 */
export async function runOperator(options: OperatorOptions): Promise<RunningOperator> {
  const kc = loadKubeConfig(options.kubeconfigPath);
  const metrics = new OperatorMetrics({ defaultMetrics: true });
  const log = options.log ?? createLogger();
  const kube = new KubeClient(kc, { onCall: metrics.onKubeCall });
  const leaseKube = new KubeClient(kc, { onCall: metrics.onKubeCall, maxSockets: 2, timeoutMs: 5000 });
  const namespace = options.namespace ?? process.env['POD_NAMESPACE'] ?? currentNamespace(kc);
  const now = options.now ?? (() => new Date());
  const observations = new ObservationCache();
  const events = new EventRecorder(kube, FieldManager, options.eventSink);
  const watched = watchedNamespaces(options);
  // Every collection is read in each watched namespace, or once for the cluster.
  const scoped = (path: (namespace?: string) => string): InformerOptions<never>['path'] =>
    watched === undefined ? path() : watched.map((ns) => ({ namespace: ns, path: path(ns) }));
  // Aborted first on stop: platform calls and their Retry-After waits end at once.
  const shutdown = new AbortController();

  let queue: WorkQueue | undefined;
  let connectionStatus: ConnectionStatusWriter | undefined;
  let protector: ConnectionProtector | undefined;
  const enqueue = (key: string): void => queue?.add(key);
  // Only a spec change (or add/delete) can change what a token resolves; status-only updates
  // (our own connection status writes) must not requeue every token using the connection.
  const specChanged = (event: InformerEvent, c: ConnectionObject, old: ConnectionObject | undefined): boolean =>
    event !== 'updated' || old?.metadata.generation !== c.metadata.generation;
  const tokens = new Informer<StorefrontTokenObject>(kube, {
    path: scoped((ns) => tokenPath(ns)),
    onEvent: (event, object, old) => {
      enqueue(keyOf(object.metadata.namespace ?? '', object.metadata.name ?? ''));
      protector?.tokenChanged(event, object, old);
      // A connection kept for its tokens names them in its status; one fewer now.
      const used = event === 'deleted' ? tokenConnection(caches, object) : undefined;
      if (used !== undefined) connectionStatus?.recheck(used.cluster, used.connection);
    },
    onError: (error) => { log.warn({ err: String(error) }, 'StorefrontToken watch failed; retrying'); },
  });
  const tokensUsing = (kind: string, namespace: string | undefined, name: string): void => {
    for (const t of tokens.list()) {
      const ref = (t.spec as { connectionRef?: { kind?: string; name?: string } } | undefined)?.connectionRef;
      const refKind = ref?.kind ?? 'PlatformConnection';
      if (ref?.name === name && refKind === kind && (namespace === undefined || t.metadata.namespace === namespace)) {
        enqueue(keyOf(t.metadata.namespace ?? '', t.metadata.name ?? ''));
      }
    }
  };
  const secrets = new Informer<SecretObject>(kube, {
    path: scoped((ns) => `${secretPath(ns)}?labelSelector=${encodeURIComponent(ManagedSelector)}`),
    onEvent: (_event, secret) => {
      const owner = (secret.metadata.ownerReferences ?? []).find((o) => o.controller === true && o.kind === 'StorefrontToken');
      if (owner !== undefined) enqueue(keyOf(secret.metadata.namespace ?? '', owner.name));
    },
    onError: (error) => { log.warn({ err: String(error) }, 'Secret watch failed; retrying'); },
  });
  const connections = new Informer<ConnectionObject>(kube, {
    path: scoped((ns) => connectionPath('PlatformConnection', ns)),
    onEvent: (e, c, old) => {
      if (specChanged(e, c, old)) trackCredentials();
      connectionStatus?.observe(false, e, c, old);
      protector?.connectionChanged(false, c, old);
      if (specChanged(e, c, old)) tokensUsing('PlatformConnection', c.metadata.namespace, c.metadata.name ?? '');
    },
  });
  const clusterConnections = options.clusterConnections === false ? undefined : new Informer<ConnectionObject>(kube, {
    path: connectionPath('ClusterPlatformConnection'),
    onEvent: (e, c, old) => {
      if (specChanged(e, c, old)) trackCredentials();
      connectionStatus?.observe(true, e, c, old);
      protector?.connectionChanged(true, c, old);
      if (specChanged(e, c, old)) tokensUsing('ClusterPlatformConnection', undefined, c.metadata.name ?? '');
    },
  });
  const caches: ConnectionCaches = { connections, clusterConnections, operatorNamespace: namespace };
  // A credentials Secret appeared, changed, started deleting or went: re-check its connections and their tokens now.
  const credentials = new CredentialsWatch({
    kube, log,
    onChange: (secretNamespace, secretName, change) => {
      const named = connectionsNaming(caches, keyOf(secretNamespace, secretName));
      log.debug({ secret: keyOf(secretNamespace, secretName), change, connections: named.length }, 'credentials Secret changed');
      for (const { cluster, connection } of named) {
        connectionStatus?.recheck(cluster, connection);
        tokensUsing(cluster ? 'ClusterPlatformConnection' : 'PlatformConnection', cluster ? undefined : connection.metadata.namespace, connection.metadata.name ?? '');
      }
      protector?.secretChanged(secretNamespace, secretName);
    },
  });
  // Watch exactly the credentials Secrets connections name (called from connection events, once the informers exist).
  const trackCredentials = (): void => { credentials.track(namedCredentials(caches)); };
  const resolver = new ConnectionResolver({
    connections, clusterConnections, adapterFor: options.adapterFor, operatorNamespace: namespace, onCall: metrics.onPlatformCall, shutdown: shutdown.signal,
    credentials: (ns, name) => credentials.read(ns, name),
    // Only the leader reconciles, and it creates the protector before its first reconcile.
    protect: (found) => protector?.ensure(found) ?? Promise.resolve(),
  });
  const reconcile = makeReconciler({
    kube, tokens, secrets, resolver, observations, events, metrics, log, now,
    pollIntervalMs: options.pollIntervalMs ?? 600_000,
    absent: new Map<string, number>(),
    onObserveError: (key, error) => { log.warn({ token: key, err: String(error) }, 'observe failed; treating the token as unknown'); },
  });

  let synced = false;
  let live = true;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const depthTimer = setInterval(() => { metrics.queueDepth.set(queue?.depth ?? 0); }, 1000);
  depthTimer.unref();

  const startWork = async (): Promise<void> => {
    metrics.leader.set(1);
    log.info({ namespace, watching: watched ?? 'all namespaces', clusterConnections: clusterConnections !== undefined }, 'leading: starting informers and workers');
    queue = new WorkQueue(reconcile, {
      workers: options.workers ?? 16,
      onError: (key, error, retryInMs) => { log.warn({ token: key, retryInMs, err: error instanceof Error ? error.message : String(error) }, 'reconcile failed; retrying'); },
    });
    // Created here, on the leader only, before the informers start so their first list is checked.
    protector = new ConnectionProtector({
      kube, tokens, connections, clusterConnections, credentials, operatorNamespace: namespace, log,
      // Only an operator that sees every namespace's tokens may decide for Secrets that cluster connections name.
      clusterScoped: watched === undefined,
    });
    const inUse = protector;
    connectionStatus = new ConnectionStatusWriter({
      kube, connections, clusterConnections, adapterFor: options.adapterFor, operatorNamespace: namespace, log, now,
      credentials: (ns, name) => credentials.read(ns, name),
      usersOf: (cluster, c) => inUse.usersOf(cluster, c),
      // A namespace-limited operator does not own cluster-wide objects; two of them would disagree.
      clusterScoped: clusterConnections !== undefined && (options.clusterConnectionStatus ?? watched === undefined),
      recheckMs: options.connectionRecheckMs ?? 60_000,
    });
    await Promise.all([connections.start(), clusterConnections?.start(), secrets.start()]);
    await tokens.start();
    // Only now is "no token uses it" true knowledge rather than an empty cache.
    protector.start();
    synced = true;
    log.info({ tokens: tokens.size, secrets: secrets.size, credentials: credentials.size }, 'caches synced');
  };

  const leader = options.leaderElection === false ? undefined : new LeaderElector({
    // Its own connection: renewals must not queue behind a burst of reconcile traffic.
    kube: leaseKube,
    namespace,
    identity: options.identity ?? `${hostname()}-${process.pid}`,
    ...(options.leaseName === undefined ? {} : { name: options.leaseName }),
    onStartedLeading: () => {
      startWork().catch((error: unknown) => {
        log.error({ err: String(error) }, 'cannot start');
        live = false;
        resolveDone(1);
      });
    },
    onStoppedLeading: () => {
      // A replica that lost the Lease may hold stale caches; exit and let a fresh start re-elect.
      log.error('leadership lost; stopping');
      metrics.leader.set(0);
      live = false;
      resolveDone(1);
    },
    onError: (error) => { log.warn({ err: String(error) }, 'leader election error'); },
  });
  const health = options.healthPort === -1 ? undefined : await startHealthServer({
    host: options.healthHost ?? '127.0.0.1',
    port: options.healthPort ?? 8080,
    registry: metrics.registry,
    live: () => live,
    ready: () => synced || (leader !== undefined && !leader.leading),
  });
  if (leader === undefined) await startWork();
  else leader.start();

  return {
    metrics,
    health,
    leading: () => leader?.leading ?? true,
    done,
    async stop() {
      clearInterval(depthTimer);
      shutdown.abort();
      await Promise.all([queue?.stop(), connectionStatus?.stop(), protector?.stop()]);
      await Promise.all([tokens.stop(), secrets.stop(), connections.stop(), clusterConnections?.stop(), credentials.stop()]);
      await leader?.stop();
      await health?.close();
      kube.close();
      leaseKube.close();
      resolveDone(0);
    },
  };
}

const NamespaceName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** watchedNamespaces is the namespaces the operator is limited to (deduplicated), or undefined for all; a bad name is refused before anything starts. */
export function watchedNamespaces(options: Pick<OperatorOptions, 'watchNamespaces' | 'watchNamespace'>): readonly string[] | undefined {
  const listed = [...(options.watchNamespaces ?? []), ...(options.watchNamespace === undefined ? [] : [options.watchNamespace])];
  if (options.watchNamespaces === undefined && options.watchNamespace === undefined) return undefined;
  if (listed.length === 0) throw new Error('watchNamespaces: the list is empty (leave it unset to watch every namespace)');
  for (const ns of listed) {
    if (!NamespaceName.test(ns) || ns.length > 63) throw new Error(`watchNamespaces: "${ns}" is not a namespace name`);
  }
  return [...new Set(listed)];
}
