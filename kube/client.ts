import { Agent, request, type RequestOptions } from 'node:https';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from './errors.js';

// The one Kubernetes REST layer of the project: the operator, the Terraform
// provider's Secret store and the control-plane harness all talk to the API
// server through it. client-node is used only for what it does well:
// reading kubeconfigs (files, in-cluster) and turning them into TLS options.
// Requests travel raw over one keep-alive agent because client-node's typed
// serializer drops wire fields (x-kubernetes-*, apply patches) and its patch
// content types are awkward; one agent also bounds our connections.

/** ObjectMeta is the subset of metav1.ObjectMeta the project reads and writes. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

/** OwnerReference is metav1.OwnerReference. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** KubeObject is any API object in wire format. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** SecretObject is a core/v1 Secret in wire format (data is base64). */
export interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** KubeList is a list response. */
export interface KubeList<T> {
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

/** WatchEvent is one line of a watch stream. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** A KubeResult is a status and a decoded body. */
export interface KubeResult {
  readonly status: number;
  readonly body: unknown;
}

/** KubeCallObserver sees every API call, for metrics (writes at idle must be zero). */
export type KubeCallObserver = (verb: string, resource: string, status: number) => void;

/** KubeClientOptions tune the client. */
export interface KubeClientOptions {
  /** maxSockets bounds concurrent connections to the API server. @default 32 */
  readonly maxSockets?: number;
  /** onCall observes every call. */
  readonly onCall?: KubeCallObserver;
  /** timeoutMs bounds each non-watch request. @default 30000 */
  readonly timeoutMs?: number;
}

/** loadKubeConfig reads a kubeconfig file, or the default chain (KUBECONFIG, ~/.kube/config, in-cluster). */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path !== undefined && path !== '') kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

/** currentNamespace is the kubeconfig context's namespace, or the in-cluster one, or `default`. */
export function currentNamespace(kc: KubeConfig): string {
  const context = kc.getContextObject(kc.getCurrentContext());
  return context?.namespace ?? 'default';
}

/**
 * A KubeClient sends raw JSON requests to the API server with a kubeconfig's
 * credentials. Non-2xx answers become KubeError with `status`.
 */
export class KubeClient {
  readonly #kc: KubeConfig;
  readonly #agent: Agent | HttpAgent;
  readonly #server: URL;
  readonly #onCall: KubeCallObserver | undefined;
  readonly #timeoutMs: number;
  #tls: RequestOptions | undefined;
  #tlsAt = 0;

  constructor(kc: KubeConfig, options: KubeClientOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new KubeError('the kubeconfig has no current cluster');
    this.#kc = kc;
    this.#server = new URL(cluster.server);
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 32 };
    this.#agent = this.#server.protocol === 'https:' ? new Agent(agentOptions) : new HttpAgent(agentOptions);
    this.#onCall = options.onCall;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** server is the API server URL. */
  get server(): string {
    return this.#server.toString();
  }

  // Service-account tokens rotate; re-read credentials every minute.
  async #options(): Promise<RequestOptions> {
    if (this.#tls === undefined || Date.now() - this.#tlsAt > 60_000) {
      const opts: RequestOptions = {};
      await this.#kc.applyToHTTPSOptions(opts);
      this.#tls = opts;
      this.#tlsAt = Date.now();
    }
    return this.#tls;
  }

  /** call sends one request and returns status and body; it never throws for HTTP statuses. */
  async call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResult> {
    const base = await this.#options();
    const url = new URL(path, this.#server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { ...(base.headers as Record<string, string> | undefined), accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = contentType;
    const send = url.protocol === 'https:' ? request : httpRequest;
    const result = await new Promise<KubeResult>((resolve, reject) => {
      const req = send(url, { ...base, method, headers, agent: this.#agent, timeout: this.#timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`request timed out after ${this.#timeoutMs} ms`)));
      req.on('error', (cause) => {
        reject(new KubeError(`cannot ${method} ${url.pathname}`, { cause }));
      });
      req.end(payload);
    });
    this.#onCall?.(method, resourceOf(url.pathname), result.status);
    return result;
  }

  /** send is call that throws KubeError (with status) unless the status is 2xx or allowed. */
  async send<T>(method: string, path: string, body?: unknown, contentType?: string, allow: readonly number[] = []): Promise<T | undefined> {
    const res = await this.call(method, path, body, contentType);
    if (res.status >= 200 && res.status < 300) return res.body as T;
    if (allow.includes(res.status)) return undefined;
    const message = (res.body as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
    throw new KubeError(`${method} ${path.split('?')[0] ?? path}: ${message}`, { status: res.status });
  }

  /** get returns the object or undefined when it does not exist. */
  get<T>(path: string): Promise<T | undefined> {
    return this.send<T>('GET', path, undefined, undefined, [404]);
  }

  /** list returns every item, following continue tokens. */
  async list<T>(path: string): Promise<KubeList<T>> {
    const items: T[] = [];
    let next: string | undefined;
    let rv: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.send<KubeList<T>>('GET', `${path}${sep}limit=500${next === undefined ? '' : `&continue=${encodeURIComponent(next)}`}`);
      if (page === undefined) break;
      items.push(...page.items);
      rv = page.metadata.resourceVersion;
      next = page.metadata.continue === '' ? undefined : page.metadata.continue;
    } while (next !== undefined);
    return { metadata: rv === undefined ? {} : { resourceVersion: rv }, items };
  }

  /** mergePatch applies a JSON merge patch (RFC 7386). */
  mergePatch<T>(path: string, patch: unknown): Promise<T | undefined> {
    return this.send<T>('PATCH', path, patch, 'application/merge-patch+json');
  }

  /** apply server-side-applies an object as fieldManager, forcing conflicts. */
  apply<T>(path: string, object: unknown, fieldManager: string, dryRun = false): Promise<T | undefined> {
    const query = `fieldManager=${encodeURIComponent(fieldManager)}&force=true${dryRun ? '&dryRun=All' : ''}`;
    return this.send<T>('PATCH', `${path}?${query}`, object, 'application/apply-patch+yaml');
  }

  /**
   * watch streams events of a collection from resourceVersion until the
   * server ends the stream or the signal fires. It resolves when the stream
   * ends; the caller re-lists or resumes.
   */
  async watch<T>(path: string, resourceVersion: string, onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    const base = await this.#options();
    const sep = path.includes('?') ? '&' : '?';
    const url = new URL(`${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}&timeoutSeconds=300`, this.#server);
    const send = url.protocol === 'https:' ? request : httpRequest;
    await new Promise<void>((resolve, reject) => {
      const req = send(url, { ...base, method: 'GET', headers: { ...(base.headers as Record<string, string> | undefined), accept: 'application/json' }, signal }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new KubeError(`watch ${url.pathname} answered ${res.statusCode ?? 0}`, { status: res.statusCode ?? 0 }));
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.trim() !== '') onEvent(JSON.parse(line) as WatchEvent<T>);
            newline = buffer.indexOf('\n');
          }
        });
        res.on('end', () => {
          resolve();
        });
        res.on('error', () => {
          resolve();
        });
        res.on('aborted', () => {
          resolve();
        });
      });
      req.on('error', (cause) => {
        if (signal.aborted) resolve();
        else reject(new KubeError(`watch ${url.pathname} failed`, { cause }));
      });
      req.end();
    });
  }

  /** close releases pooled connections. */
  close(): void {
    this.#agent.destroy();
  }
}

// /api/v1/namespaces/x/secrets/y -> secrets; /apis/g/v/namespaces/x/storefronttokens/y/status -> storefronttokens/status
function resourceOf(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  const start = parts[0] === 'api' ? 2 : 3;
  const rest = parts.slice(start);
  const offset = rest[0] === 'namespaces' && rest.length > 2 ? 2 : 0;
  const resource = rest[offset] ?? 'unknown';
  const sub = rest[offset + 2];
  return sub === undefined ? resource : `${resource}/${sub}`;
}
