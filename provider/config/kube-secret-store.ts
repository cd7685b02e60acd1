/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's generated models are behaviour-free classes and its serializer takes plain objects. */
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { SecretRef, SecretStore, StoredSecret } from './secret-store.js';

/** KubeSecretStoreOptions says which kubeconfig and context to use. */
export interface KubeSecretStoreOptions {
  /** configPath of the kubeconfig. @default KUBECONFIG, then ~/.kube/config (client-node's default loading) */
  readonly configPath?: string;
  /** context to use; @default the kubeconfig's current context. */
  readonly context?: string;
}

// client-node is loaded on first use, not at process start: most provider
// processes (validate, schema) never touch the cluster, and the handshake
// must not wait for its module graph.
async function loadApi(options: KubeSecretStoreOptions): Promise<{ api: CoreV1Api; namespace: string }> {
  const k8s = await import('@kubernetes/client-node');
  const kc: KubeConfig = new k8s.KubeConfig();
  if (options.configPath === undefined) kc.loadFromDefault();
  else kc.loadFromFile(options.configPath);
  if (options.context !== undefined) kc.setCurrentContext(options.context);
  const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  return { api: kc.makeApiClient(k8s.CoreV1Api), namespace };
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

// client-node's ApiException message embeds the response body and headers;
// report only the status and the API server's own message, which for a
// Secret call never contains its data.
function kubeError(verb: string, ref: SecretRef, error: unknown): Error {
  const status = statusOf(error);
  const body = (error as { body?: unknown } | null)?.body;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  let message = '';
  if (typeof body === 'string') {
    try {
      message = text((JSON.parse(body) as { message?: unknown }).message);
    } catch {
      message = '';
    }
  } else if (typeof body === 'object' && body !== null) message = text((body as { message?: unknown }).message);
  const why = status === undefined ? (error instanceof Error ? error.message.split('\n')[0] ?? '' : 'unknown error') : `HTTP ${status}${message === '' ? '' : `: ${message}`}`;
  return new Error(`cannot ${verb} Secret ${ref.namespace}/${ref.name}: ${why}`);
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

/** MANAGED_SELECTOR selects the Secrets the provider writes (its label), for batched refreshes. */
export const MANAGED_SELECTOR = 'app.kubernetes.io/managed-by=terraform-provider-sftoken';

// A refresh reads every token's Secret at once; one LIST per namespace
// replaces hundreds of GETs (and, with client-node, hundreds of TLS
// handshakes). The snapshot is short-lived and written through by put and
// delete, so a process never reads back something older than its own write.
const SNAPSHOT_TTL_MS = 20_000;

interface Snapshot {
  readonly takenAt: number;
  readonly secrets: Map<string, StoredSecret>;
}

function decode(ref: SecretRef, s: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; data?: Record<string, string> }): StoredSecret {
  const data = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, unb64(v)]));
  return { ...ref, labels: s.metadata?.labels ?? {}, annotations: s.metadata?.annotations ?? {}, data };
}

/**
 * KubeSecretStore reads and writes Secrets through the Kubernetes API with
 * the provider's kubeconfig. Writes replace the whole object, so keys the
 * provider no longer wants (a retired previous token) disappear.
 */
export class KubeSecretStore implements SecretStore {
  readonly #options: KubeSecretStoreOptions;
  #loaded: Promise<{ api: CoreV1Api; namespace: string }> | undefined;
  readonly #snapshots = new Map<string, Promise<Snapshot | undefined>>();

  constructor(options: KubeSecretStoreOptions = {}) {
    this.#options = options;
  }

  // Loaded on first use, so processes that never reach the cluster never read the kubeconfig.
  #load(): Promise<{ api: CoreV1Api; namespace: string }> {
    this.#loaded ??= loadApi(this.#options);
    return this.#loaded;
  }

  /** defaultNamespace is the current context's namespace, or "default". */
  async defaultNamespace(): Promise<string> {
    return (await this.#load()).namespace;
  }

  /**
   * get reads one Secret; undefined when it does not exist. Secrets the
   * provider wrote come from a per-namespace snapshot; any other name is read
   * directly, so a Secret someone else owns is never mistaken for missing.
   */
  async get(ref: SecretRef): Promise<StoredSecret | undefined> {
    const snapshot = await this.#snapshot(ref.namespace);
    const cached = snapshot?.secrets.get(ref.name);
    if (cached !== undefined) return cached;
    const { api } = await this.#load();
    try {
      return decode(ref, await api.readNamespacedSecret({ name: ref.name, namespace: ref.namespace }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw kubeError('read', ref, error);
    }
  }

  // A failed LIST (e.g. RBAC allows get but not list) falls back to single reads.
  #snapshot(namespace: string): Promise<Snapshot | undefined> {
    const existing = this.#snapshots.get(namespace);
    const fresh = existing?.then((s) => s !== undefined && Date.now() - s.takenAt < SNAPSHOT_TTL_MS);
    const take = async (): Promise<Snapshot | undefined> => {
      const { api } = await this.#load();
      try {
        const list = await api.listNamespacedSecret({ namespace, labelSelector: MANAGED_SELECTOR });
        const secrets = new Map<string, StoredSecret>();
        for (const item of list.items) {
          const name = item.metadata?.name;
          if (name !== undefined) secrets.set(name, decode({ namespace, name }, item));
        }
        return { takenAt: Date.now(), secrets };
      } catch {
        return undefined;
      }
    };
    const next = (fresh ?? Promise.resolve(false)).then((ok) => (ok && existing !== undefined ? existing : take()));
    this.#snapshots.set(namespace, next);
    return next;
  }

  // Keeps the snapshot consistent with this process's own writes.
  async #remember(ref: SecretRef, secret: StoredSecret | undefined): Promise<void> {
    const snapshot = await this.#snapshots.get(ref.namespace);
    if (snapshot === undefined) return;
    if (secret === undefined || secret.labels['app.kubernetes.io/managed-by'] !== 'terraform-provider-sftoken') snapshot.secrets.delete(ref.name);
    else snapshot.secrets.set(ref.name, secret);
  }

  /** put creates the Secret, or replaces it when it exists. */
  async put(secret: StoredSecret): Promise<void> {
    const { api } = await this.#load();
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: secret.name, namespace: secret.namespace, labels: { ...secret.labels }, annotations: { ...secret.annotations } },
      data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, b64(v)])),
    };
    try {
      await api.replaceNamespacedSecret({ name: secret.name, namespace: secret.namespace, body });
    } catch (error) {
      if (statusOf(error) !== 404) throw kubeError('replace', secret, error);
      try {
        await api.createNamespacedSecret({ namespace: secret.namespace, body });
      } catch (createError) {
        throw kubeError('create', secret, createError);
      }
    }
    await this.#remember(secret, secret);
  }

  /** delete removes the Secret; a missing Secret is success. */
  async delete(ref: SecretRef): Promise<void> {
    const { api } = await this.#load();
    try {
      await api.deleteNamespacedSecret({ name: ref.name, namespace: ref.namespace });
    } catch (error) {
      if (statusOf(error) !== 404) throw kubeError('delete', ref, error);
    }
    await this.#remember(ref, undefined);
  }
}
