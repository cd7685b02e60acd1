import type { PlatformAdapter, PlatformClient, PlatformCall } from '../../core/contract/adapter.js';
import { platformConnectionSpecSchema, type PlatformConnectionSpec } from '../../core/schema/connection.js';
import type { PlatformName } from '../../core/schema/platform.js';
import { formatPath } from '../../core/schema/validate.js';
import { SecretValue } from '../../core/secret.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import { credentialsVersion } from './credentials-watch.js';
import { PlatformGate } from './gate.js';
import { withShutdown } from './shutdown.js';
import type { Informer } from '../runtime/informer.js';
import type { SecretObject } from '../../kube/index.js';
import { keyOf } from '../names.js';
import type { ConnectionObject, StorefrontTokenObject } from '../objects.js';
import type { Problem } from '../reconcile/problem.js';

/** AdapterLookup returns the adapter of a platform; injected so the operator never names one. */
export type AdapterLookup = (platform: PlatformName) => PlatformAdapter;

/** A ResolvedConnection is a usable client for one token, with its connection's gate. */
export interface ResolvedConnection {
  /** key identifies the connection (kind/namespace/name) for gates and metrics. */
  readonly key: string;
  readonly client: PlatformClient;
  readonly gate: PlatformGate;
}

/** A ConnectionInUse is what a token's resolution found, for the in-use finalizers. */
export interface ConnectionInUse {
  readonly cluster: boolean;
  readonly connection: ConnectionObject;
  readonly secret: SecretObject;
}

/** ConnectionDeps are what resolving a connection reads. */
export interface ConnectionDeps {
  readonly connections: Informer<ConnectionObject>;
  /** clusterConnections is undefined when the operator runs without ClusterPlatformConnections (--cluster-connections=false). */
  readonly clusterConnections: Informer<ConnectionObject> | undefined;
  /** credentials reads credentials Secrets (from the CredentialsWatch cache in the operator). */
  readonly credentials: CredentialsReader;
  readonly adapterFor: AdapterLookup;
  /** operatorNamespace holds credentials of cluster connections that name no namespace. */
  readonly operatorNamespace: string;
  /**
   * protect makes sure what a token resolved carries the in-use finalizer
   * before any platform call, so a namespace deletion cannot take the
   * connection or its credentials away before the token is revoked.
   */
  readonly protect?: (found: ConnectionInUse) => Promise<void>;
  readonly onCall?: (call: PlatformCall) => void;
  /** shutdown aborts every platform call (and its waits) when the operator stops. */
  readonly shutdown?: AbortSignal;
}

interface Cached {
  readonly version: string;
  readonly resolved: ResolvedConnection;
}

// The credentials watch requeues every token of a connection when its Secret
// changes; this later look is only a safety net (e.g. a watch RBAC refused).
const CredentialsRetryMs = 60_000;

/**
 * A ConnectionResolver turns a token's connectionRef into a client. It keeps
 * one client per connection (so the adapter's per-connection rate limiter is
 * shared by every token using it) and rebuilds it when the connection's spec
 * or its credentials change. Credentials come from the CredentialsWatch, so
 * a change shows on the next reconcile, which the watch itself triggers.
 * A connection or Secret that is being deleted still resolves: the in-use
 * finalizer keeps it exactly so that tokens can still be revoked.
 */
export class ConnectionResolver {
  readonly #deps: ConnectionDeps;
  readonly #clients = new Map<string, Cached>();
  readonly #gates = new Map<string, PlatformGate>();

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
  }

  /** resolve finds the token's connection, enforcing the namespace rule, and returns its client or a Problem. */
  async resolve(namespace: string, spec: StorefrontTokenSpec): Promise<ResolvedConnection | Problem> {
    const ref = spec.connectionRef;
    if (ref === undefined) return { reason: 'InvalidSpec', message: 'spec.connectionRef is required' };
    const cluster = ref.kind === 'ClusterPlatformConnection';
    const clusterConnections = this.#deps.clusterConnections;
    if (cluster && clusterConnections === undefined) {
      return {
        reason: 'ClusterConnectionsDisabled',
        message: `${connectionWhere(true, namespace, ref.name)}: this operator runs without ClusterPlatformConnections (namespaced mode, --cluster-connections=false); use a PlatformConnection in namespace ${namespace}`,
      };
    }
    // A token may use a connection in its own namespace or a cluster-scoped one, never another namespace's.
    const object = cluster ? clusterConnections?.get(ref.name) : this.#deps.connections.get(keyOf(namespace, ref.name));
    if (object === undefined) return { reason: 'ConnectionNotFound', message: `${connectionWhere(cluster, namespace, ref.name)} does not exist` };
    const checked = await checkConnection(object, cluster, this.#deps.operatorNamespace, this.#deps.credentials, this.#deps.adapterFor);
    if (!checked.ok) return { reason: checked.reason, message: checked.message, ...(checked.retryMs === undefined ? {} : { retryMs: checked.retryMs }) };
    const { conn, credentials, secret } = checked;
    if (conn.platform !== spec.platform) {
      return { reason: 'InvalidConnection', message: `${checked.where} is for ${conn.platform}, but the token is for ${spec.platform}` };
    }
    await this.#deps.protect?.({ cluster, connection: object, secret });
    const adapter = this.#deps.adapterFor(conn.platform);
    const key = cluster ? `cluster/${ref.name}` : keyOf(namespace, ref.name);
    // generation, not resourceVersion, and the credentials' content, not the Secret's resourceVersion:
    // a status or finalizer write must not throw away the client and its rate limiter.
    const version = `${String(object.metadata.generation ?? object.metadata.resourceVersion ?? '')}/${credentialsVersion(secret)}`;
    const cached = this.#clients.get(key);
    if (cached?.version === version) return cached.resolved;
    let gate = this.#gates.get(key);
    if (gate === undefined) {
      gate = new PlatformGate();
      this.#gates.set(key, gate);
    }
    const connected = adapter.connect(
      { credentials, ...(conn.baseUrl === undefined ? {} : { baseUrl: conn.baseUrl }), ...(conn.requestsPerSecond === undefined ? {} : { requestsPerSecond: conn.requestsPerSecond }) },
      this.#deps.onCall === undefined ? {} : { onCall: this.#deps.onCall },
    );
    const client = this.#deps.shutdown === undefined ? connected : withShutdown(connected, adapter.capabilities, this.#deps.shutdown);
    const resolved = { key, client, gate };
    this.#clients.set(key, { version, resolved });
    return resolved;
  }
}

/** CredentialsReader reads a credentials Secret, or undefined when it does not exist. */
export type CredentialsReader = (namespace: string, name: string) => Promise<SecretObject | undefined>;

/** A CheckedConnection passed every connection-level check; credentials are decoded but never rendered. */
export interface CheckedConnection {
  readonly ok: true;
  readonly conn: PlatformConnectionSpec;
  readonly credentials: Readonly<Record<string, SecretValue>>;
  /** secret is the credentials Secret as read (its resourceVersion keys the client cache). */
  readonly secret: SecretObject;
  /** where names the connection in messages, e.g. "PlatformConnection shop/avvyr". */
  readonly where: string;
  /** secretName is namespace/name of the credentials Secret. */
  readonly secretName: string;
}

/** A ConnectionProblem is a Problem marked not ok, so callers can narrow on `ok`. */
export type ConnectionProblem = Problem & { readonly ok: false };

/** connectionWhere names a connection in messages. */
export function connectionWhere(cluster: boolean, namespace: string | undefined, name: string): string {
  return cluster ? `ClusterPlatformConnection ${name}` : `PlatformConnection ${namespace ?? ''}/${name}`;
}

/**
 * checkConnection runs every check that depends on the connection alone:
 * its spec, the namespace rule for credentialsSecretRef.namespace, and that
 * the credentials Secret exists with every key the platform needs. Token
 * resolution and the connection's own Ready condition both use it, so they
 * can never disagree. It makes no platform call.
 */
export async function checkConnection(
  object: ConnectionObject,
  cluster: boolean,
  operatorNamespace: string,
  readCredentials: CredentialsReader,
  adapterFor: AdapterLookup,
): Promise<CheckedConnection | ConnectionProblem> {
  const namespace = object.metadata.namespace ?? '';
  const where = connectionWhere(cluster, namespace, object.metadata.name ?? '');
  const parsed = platformConnectionSpecSchema.safeParse(object.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? 'spec' : formatPath(issue.path.filter((p) => typeof p !== 'symbol'));
    return { ok: false, reason: 'InvalidConnection', message: `${where}: ${path} ${issue?.message ?? 'is invalid'}` };
  }
  const conn = parsed.data;
  if (!cluster && conn.credentialsSecretRef.namespace !== undefined && conn.credentialsSecretRef.namespace !== namespace) {
    return { ok: false, reason: 'InvalidConnection', message: `${where}: credentialsSecretRef.namespace may only be set on a ClusterPlatformConnection` };
  }
  const credNamespace = cluster ? conn.credentialsSecretRef.namespace ?? operatorNamespace : namespace;
  const secretName = keyOf(credNamespace, conn.credentialsSecretRef.name);
  const secret = await readCredentials(credNamespace, conn.credentialsSecretRef.name);
  if (secret === undefined) {
    return { ok: false, reason: 'CredentialsNotFound', message: `${where}: credentials Secret ${secretName} does not exist`, retryMs: CredentialsRetryMs };
  }
  const credentials: Record<string, SecretValue> = {};
  for (const key of adapterFor(conn.platform).capabilities.credentialKeys) {
    const raw = secret.data?.[key];
    if (raw === undefined || raw === '') {
      return { ok: false, reason: 'CredentialsInvalid', message: `${where}: credentials Secret ${secretName} has no "${key}" key`, retryMs: CredentialsRetryMs };
    }
    credentials[key] = new SecretValue(Buffer.from(raw, 'base64').toString('utf8'));
  }
  return { ok: true, conn, credentials, secret, where, secretName };
}

/**
 * credentialsSecretOf names the credentials Secret (namespace/name) a
 * connection points at, read leniently from the raw spec: the watch and the
 * in-use finalizer follow the reference even while another field of the
 * spec is invalid. Same namespace rule as checkConnection.
 */
export function credentialsSecretOf(object: ConnectionObject, cluster: boolean, operatorNamespace: string): string | undefined {
  const ref = (object.spec as { credentialsSecretRef?: { name?: unknown; namespace?: unknown } } | undefined)?.credentialsSecretRef;
  if (typeof ref?.name !== 'string' || ref.name === '') return undefined;
  const refNamespace = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : undefined;
  return keyOf(cluster ? refNamespace ?? operatorNamespace : object.metadata.namespace ?? '', ref.name);
}

/** A ConnectionRef is which connection a token names, read from its raw spec. */
export interface ConnectionRef {
  readonly cluster: boolean;
  /** namespace is the token's: where a PlatformConnection of that name must be. */
  readonly namespace: string;
  readonly name: string;
}

/** connectionRefOf reads a token's connectionRef from the raw spec, so a token whose spec is otherwise invalid still names its connection. */
export function connectionRefOf(token: StorefrontTokenObject): ConnectionRef | undefined {
  const ref = (token.spec as { connectionRef?: { kind?: unknown; name?: unknown } } | undefined)?.connectionRef;
  if (typeof ref?.name !== 'string' || ref.name === '') return undefined;
  return { cluster: ref.kind === 'ClusterPlatformConnection', namespace: token.metadata.namespace ?? '', name: ref.name };
}

/** ConnectionCaches are the two connection informers, namespaced and cluster-scoped (undefined: not watched). */
export interface ConnectionCaches {
  readonly connections: Informer<ConnectionObject>;
  readonly clusterConnections: Informer<ConnectionObject> | undefined;
  /** operatorNamespace holds credentials of cluster connections that name no namespace. */
  readonly operatorNamespace: string;
}

/** namedCredentials is every credentials Secret (namespace/name) a cached connection names. */
export function namedCredentials(caches: ConnectionCaches): Set<string> {
  const keys = new Set<string>();
  for (const [cluster, informer] of [[false, caches.connections], [true, caches.clusterConnections]] as const) {
    for (const c of informer?.list() ?? []) {
      const key = credentialsSecretOf(c, cluster, caches.operatorNamespace);
      if (key !== undefined) keys.add(key);
    }
  }
  return keys;
}

/** connectionsNaming lists the cached connections, of either kind, whose credentials are the Secret namespace/name. */
export function connectionsNaming(caches: ConnectionCaches, secretKey: string): { cluster: boolean; connection: ConnectionObject }[] {
  return ([[false, caches.connections], [true, caches.clusterConnections]] as const).flatMap(([cluster, informer]) =>
    (informer?.list() ?? []).filter((c) => credentialsSecretOf(c, cluster, caches.operatorNamespace) === secretKey).map((connection) => ({ cluster, connection })));
}

/** tokenConnection is the cached connection a token names, if there is one. */
export function tokenConnection(caches: ConnectionCaches, token: StorefrontTokenObject): { cluster: boolean; connection: ConnectionObject } | undefined {
  const ref = connectionRefOf(token);
  if (ref === undefined) return undefined;
  const connection = ref.cluster ? caches.clusterConnections?.get(ref.name) : caches.connections.get(keyOf(ref.namespace, ref.name));
  return connection === undefined ? undefined : { cluster: ref.cluster, connection };
}
