import type { KubeClient, KubeList, SecretObject } from '../../kube/client.js';
import { isKubeError } from '../../kube/errors.js';
import { secretPath } from '../../kube/paths.js';
import type { PutGuard, SecretRef, SecretStore, StoredSecret } from './secret-store.js';

/** KubeSecretStoreOptions says which kubeconfig and context to use. */
export interface KubeSecretStoreOptions {
  /** configPath of the kubeconfig. @default KUBECONFIG, then ~/.kube/config (client-node's default loading) */
  readonly configPath?: string;
  /** context to use; @default the kubeconfig's current context. */
  readonly context?: string;
}

// The Kubernetes client is loaded on first use, not at process start: most
// provider processes (validate, schema) never touch the cluster, and the
// handshake must not wait for client-node's module graph.
interface Loaded {
  readonly kube: KubeClient;
  readonly namespace: string;
}

async function load(options: KubeSecretStoreOptions): Promise<Loaded> {
  const { KubeClient: Client, loadKubeConfig, currentNamespace } = await import('../../kube/client.js');
  const kc = loadKubeConfig(options.configPath);
  if (options.context !== undefined) kc.setCurrentContext(options.context);
  return { kube: new Client(kc), namespace: currentNamespace(kc) };
}

// The API server's message for a Secret call never contains its data; the
// path names the Secret. Say what we were doing in the user's words.
function kubeError(verb: string, ref: SecretRef, error: unknown): Error {
  const why = isKubeError(error) && error.status !== undefined ? `HTTP ${error.status}: ${error.message}` : error instanceof Error ? error.message.split('\n')[0] ?? '' : 'unknown error';
  return new Error(`cannot ${verb} Secret ${ref.namespace}/${ref.name}: ${why}`, { cause: error });
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

function decode(ref: SecretRef, s: SecretObject): StoredSecret {
  const data = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, unb64(v)]));
  return { ...ref, ...(s.type === undefined ? {} : { type: s.type }), labels: s.metadata.labels ?? {}, annotations: s.metadata.annotations ?? {}, data, ...(s.metadata.resourceVersion === undefined ? {} : { resourceVersion: s.metadata.resourceVersion }) };
}

/**
 * KubeSecretStore reads and writes Secrets through the Kubernetes API with
 * the provider's kubeconfig. Writes replace the whole object, so keys the
 * provider no longer wants (a retired previous token) disappear.
 */
export class KubeSecretStore implements SecretStore {
  readonly #options: KubeSecretStoreOptions;
  #loaded: Promise<Loaded> | undefined;
  readonly #snapshots = new Map<string, Promise<Snapshot | undefined>>();

  constructor(options: KubeSecretStoreOptions = {}) {
    this.#options = options;
  }

  // Loaded on first use, so processes that never reach the cluster never read the kubeconfig.
  #load(): Promise<Loaded> {
    this.#loaded ??= load(this.#options);
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
    const { kube } = await this.#load();
    try {
      const found = await kube.get<SecretObject>(secretPath(ref.namespace, ref.name));
      return found === undefined ? undefined : decode(ref, found);
    } catch (error) {
      throw kubeError('read', ref, error);
    }
  }

  // A failed LIST (e.g. RBAC allows get but not list) falls back to single reads.
  #snapshot(namespace: string): Promise<Snapshot | undefined> {
    const existing = this.#snapshots.get(namespace);
    const fresh = existing?.then((s) => s !== undefined && Date.now() - s.takenAt < SNAPSHOT_TTL_MS);
    const take = async (): Promise<Snapshot | undefined> => {
      const { kube } = await this.#load();
      try {
        const list: KubeList<SecretObject> = await kube.list<SecretObject>(`${secretPath(namespace)}?labelSelector=${encodeURIComponent(MANAGED_SELECTOR)}`);
        const secrets = new Map<string, StoredSecret>();
        for (const item of list.items) {
          const name = item.metadata.name;
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

  /** put creates the Secret, or replaces it when it exists, as the guard allows; a guarded write that lost a race throws. */
  async put(secret: StoredSecret, _signal?: AbortSignal, guard?: PutGuard): Promise<StoredSecret> {
    const { kube } = await this.#load();
    const expect = guard !== undefined && 'expect' in guard ? guard.expect : undefined;
    const body: SecretObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: secret.type ?? 'Opaque',
      metadata: { name: secret.name, namespace: secret.namespace, labels: { ...secret.labels }, annotations: { ...secret.annotations }, ...(expect === undefined ? {} : { resourceVersion: expect }) },
      data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, b64(v)])),
    };
    let written: SecretObject | undefined;
    try {
      if (guard !== undefined && 'create' in guard) written = await kube.send<SecretObject>('POST', secretPath(secret.namespace), body);
      else {
        written = await kube.send<SecretObject>('PUT', secretPath(secret.namespace, secret.name), body, undefined, expect === undefined ? [404] : []);
        if (written === undefined) written = await kube.send<SecretObject>('POST', secretPath(secret.namespace), body);
      }
    } catch (error) {
      if (isKubeError(error, 409)) throw new Error(`cannot write Secret ${secret.namespace}/${secret.name}: it was changed by another writer meanwhile (another apply on the same Secret?); nothing was overwritten, run the apply again`, { cause: error });
      throw kubeError('write', secret, error);
    }
    const stored = written === undefined ? secret : decode(secret, written);
    await this.#remember(secret, stored);
    return stored;
  }

  /** delete removes the Secret; a missing Secret is success. */
  async delete(ref: SecretRef): Promise<void> {
    const { kube } = await this.#load();
    try {
      await kube.send('DELETE', secretPath(ref.namespace, ref.name), undefined, undefined, [404]);
    } catch (error) {
      throw kubeError('delete', ref, error);
    }
    await this.#remember(ref, undefined);
  }
}
