import type { PlatformAdapter, PlatformClient, PlatformCall } from '../core/adapters/adapter.js';
import { platformConnectionSpecSchema } from '../core/schema/connection.js';
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
    const where = cluster ? `ClusterPlatformConnection ${ref.name}` : `PlatformConnection ${namespace}/${ref.name}`;
    if (object === undefined) return { reason: 'ConnectionNotFound', message: `${where} does not exist` };
    const parsed = platformConnectionSpecSchema.safeParse(object.spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue === undefined ? 'spec' : formatPath(issue.path.filter((p) => typeof p !== 'symbol'));
      return { reason: 'InvalidConnection', message: `${where}: ${path} ${issue?.message ?? 'is invalid'}` };
    }
    const conn = parsed.data;
    if (conn.platform !== spec.platform) {
      return { reason: 'InvalidConnection', message: `${where} is for ${conn.platform}, but the token is for ${spec.platform}` };
    }
    const credNamespace = cluster ? conn.credentialsSecretRef.namespace ?? this.#deps.operatorNamespace : namespace;
    if (!cluster && conn.credentialsSecretRef.namespace !== undefined && conn.credentialsSecretRef.namespace !== namespace) {
      return { reason: 'InvalidConnection', message: `${where}: credentialsSecretRef.namespace may only be set on a ClusterPlatformConnection` };
    }
    const secret = await this.#readCredentials(credNamespace, conn.credentialsSecretRef.name);
    if (secret === undefined) {
      return { reason: 'CredentialsNotFound', message: `${where}: credentials Secret ${credNamespace}/${conn.credentialsSecretRef.name} does not exist`, retryMs: CredentialsTtlMs };
    }
    const adapter = this.#deps.adapterFor(conn.platform);
    const credentials: Record<string, SecretValue> = {};
    for (const key of adapter.capabilities.credentialKeys) {
      const raw = secret.data?.[key];
      if (raw === undefined || raw === '') {
        return { reason: 'CredentialsInvalid', message: `${where}: credentials Secret ${credNamespace}/${conn.credentialsSecretRef.name} has no "${key}" key`, retryMs: CredentialsTtlMs };
      }
      credentials[key] = new SecretValue(Buffer.from(raw, 'base64').toString('utf8'));
    }
    const key = cluster ? `cluster/${ref.name}` : `${namespace}/${ref.name}`;
    const version = `${object.metadata.resourceVersion ?? ''}/${secret.metadata.resourceVersion ?? ''}`;
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
