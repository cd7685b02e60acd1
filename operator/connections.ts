import type { PlatformAdapter, PlatformClient, PlatformCall } from '../core/adapters/adapter.js';
import { platformConnectionSpecSchema, type PlatformConnectionSpec } from '../core/schema/connection.js';
import type { PlatformName } from '../core/schema/platform.js';
import { formatPath } from '../core/schema/validate.js';
import { SecretValue } from '../core/secret.js';
import type { StorefrontTokenSpec } from '../core/schema/storefront-token.js';
import { PlatformGate } from './gate.js';
import type { Informer } from './informer.js';
import type { KubeClient, SecretObject } from './kube.js';
import { secretPath } from './names.js';
import type { ConnectionObject } from './objects.js';
import type { Problem } from './problem.js';

/** AdapterLookup returns the adapter of a platform; injected so the operator never names one. */
export type AdapterLookup = (platform: PlatformName) => PlatformAdapter;

/** A ResolvedConnection is a usable client for one token, with its connection's gate. */
export interface ResolvedConnection {
  /** key identifies the connection (kind/namespace/name) for gates and metrics. */
  readonly key: string;
  readonly client: PlatformClient;
  readonly gate: PlatformGate;
}

/** ConnectionDeps are what resolving a connection reads. */
export interface ConnectionDeps {
  readonly kube: KubeClient;
  readonly connections: Informer<ConnectionObject>;
  readonly clusterConnections: Informer<ConnectionObject>;
  readonly adapterFor: AdapterLookup;
  /** operatorNamespace holds credentials of cluster connections that name no namespace. */
  readonly operatorNamespace: string;
  readonly onCall?: (call: PlatformCall) => void;
}

interface Cached {
  readonly version: string;
  readonly resolved: ResolvedConnection;
}

const CredentialsTtlMs = 30_000;

/**
 * A ConnectionResolver turns a token's connectionRef into a client. It keeps
 * one client per connection (so the adapter's per-connection rate limiter is
 * shared by every token using it) and rebuilds it when the connection or its
 * credentials change. Credentials Secrets are not ours, so they are not
 * watched: they are read on demand and cached briefly.
 */
export class ConnectionResolver {
  readonly #deps: ConnectionDeps;
  readonly #clients = new Map<string, Cached>();
  readonly #gates = new Map<string, PlatformGate>();
  readonly #credentials = new Map<string, { at: number; secret: Promise<SecretObject | undefined> }>();

  constructor(deps: ConnectionDeps) {
    this.#deps = deps;
  }

  /** resolve finds the token's connection, enforcing the namespace rule, and returns its client or a Problem. */
  async resolve(namespace: string, spec: StorefrontTokenSpec): Promise<ResolvedConnection | Problem> {
    const ref = spec.connectionRef;
    if (ref === undefined) return { reason: 'InvalidSpec', message: 'spec.connectionRef is required' };
    const cluster = ref.kind === 'ClusterPlatformConnection';
    // A token may use a connection in its own namespace or a cluster-scoped one, never another namespace's.
    const object = cluster ? this.#deps.clusterConnections.get(ref.name) : this.#deps.connections.get(`${namespace}/${ref.name}`);
    if (object === undefined) return { reason: 'ConnectionNotFound', message: `${connectionWhere(cluster, namespace, ref.name)} does not exist` };
    const checked = await checkConnection(object, cluster, this.#deps.operatorNamespace, (ns, name) => this.#readCredentials(ns, name), this.#deps.adapterFor);
    if (!checked.ok) return { reason: checked.reason, message: checked.message, ...(checked.retryMs === undefined ? {} : { retryMs: checked.retryMs }) };
    const { conn, credentials, secret } = checked;
    if (conn.platform !== spec.platform) {
      return { reason: 'InvalidConnection', message: `${checked.where} is for ${conn.platform}, but the token is for ${spec.platform}` };
    }
    const adapter = this.#deps.adapterFor(conn.platform);
    const key = cluster ? `cluster/${ref.name}` : `${namespace}/${ref.name}`;
    // generation, not resourceVersion: a status write must not throw away the client and its rate limiter.
    const version = `${String(object.metadata.generation ?? object.metadata.resourceVersion ?? '')}/${secret.metadata.resourceVersion ?? ''}`;
    const cached = this.#clients.get(key);
    if (cached?.version === version) return cached.resolved;
    let gate = this.#gates.get(key);
    if (gate === undefined) {
      gate = new PlatformGate();
      this.#gates.set(key, gate);
    }
    const client = adapter.connect(
      { credentials, ...(conn.baseUrl === undefined ? {} : { baseUrl: conn.baseUrl }), ...(conn.requestsPerSecond === undefined ? {} : { requestsPerSecond: conn.requestsPerSecond }) },
      this.#deps.onCall === undefined ? {} : { onCall: this.#deps.onCall },
    );
    const resolved = { key, client, gate };
    this.#clients.set(key, { version, resolved });
    return resolved;
  }

  async #readCredentials(namespace: string, name: string): Promise<SecretObject | undefined> {
    const key = `${namespace}/${name}`;
    const hit = this.#credentials.get(key);
    if (hit !== undefined && Date.now() - hit.at < CredentialsTtlMs) return hit.secret;
    // Share one read among every token that asks at once (a thousand at start-up).
    const secret = this.#deps.kube.get<SecretObject>(secretPath(namespace, name));
    this.#credentials.set(key, { at: Date.now(), secret });
    try {
      return await secret;
    } catch (error) {
      this.#credentials.delete(key);
      throw error;
    }
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
  const secretName = `${credNamespace}/${conn.credentialsSecretRef.name}`;
  const secret = await readCredentials(credNamespace, conn.credentialsSecretRef.name);
  if (secret === undefined) {
    return { ok: false, reason: 'CredentialsNotFound', message: `${where}: credentials Secret ${secretName} does not exist`, retryMs: CredentialsTtlMs };
  }
  const credentials: Record<string, SecretValue> = {};
  for (const key of adapterFor(conn.platform).capabilities.credentialKeys) {
    const raw = secret.data?.[key];
    if (raw === undefined || raw === '') {
      return { ok: false, reason: 'CredentialsInvalid', message: `${where}: credentials Secret ${secretName} has no "${key}" key`, retryMs: CredentialsTtlMs };
    }
    credentials[key] = new SecretValue(Buffer.from(raw, 'base64').toString('utf8'));
  }
  return { ok: true, conn, credentials, secret, where, secretName };
}
