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

/**
 * KubeSecretStore reads and writes Secrets through the Kubernetes API with
 * the provider's kubeconfig. Writes replace the whole object, so keys the
 * provider no longer wants (a retired previous token) disappear.
 */
export class KubeSecretStore implements SecretStore {
  readonly #options: KubeSecretStoreOptions;
  #loaded: Promise<{ api: CoreV1Api; namespace: string }> | undefined;

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

  /** get reads one Secret; undefined when it does not exist. */
  async get(ref: SecretRef): Promise<StoredSecret | undefined> {
    const { api } = await this.#load();
    try {
      const s = await api.readNamespacedSecret({ name: ref.name, namespace: ref.namespace });
      const data = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, unb64(v)]));
      return { ...ref, labels: s.metadata?.labels ?? {}, annotations: s.metadata?.annotations ?? {}, data };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw kubeError('read', ref, error);
    }
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
  }

  /** delete removes the Secret; a missing Secret is success. */
  async delete(ref: SecretRef): Promise<void> {
    const { api } = await this.#load();
    try {
      await api.deleteNamespacedSecret({ name: ref.name, namespace: ref.namespace });
    } catch (error) {
      if (statusOf(error) !== 404) throw kubeError('delete', ref, error);
    }
  }
}
