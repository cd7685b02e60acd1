import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../kube/index.js';
import type { StorefrontTokenObject } from '../objects.js';

/** EventSink receives events the operator records, besides the API server (logs, tests). */
export type EventSink = (object: StorefrontTokenObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** EventRecorderOptions tune how repeats are folded into one Event. */
export interface EventRecorderOptions {
  /** windowMs: a repeat within this long of the last occurrence updates that Event. @default 600000 (10 min, client-go's aggregation window) */
  readonly windowMs?: number;
  /** maxSeries bounds the Events remembered for folding; the oldest is forgotten first. @default 4096 (client-go's cache size) */
  readonly maxSeries?: number;
  /** now is the clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** Series is one Event written and how often it has happened. */
interface Series {
  readonly name: string;
  readonly namespace: string;
  count: number;
  lastMs: number;
}

/**
 * An EventRecorder writes core/v1 Events about StorefrontTokens. Callers
 * record only when something happened (an issue, a revoke, a repair, a new
 * problem), never on a steady reconcile, so an idle operator writes none.
 * The same type, reason and message on the same object within the window is
 * folded into the Event already written: its count goes up and its
 * lastTimestamp moves (what `kubectl describe` shows as "x3 over 5m"), as
 * client-go's EventCorrelator does, instead of a new Event each time. The
 * record of written Events lives in memory, so a restarted operator starts
 * new ones. Recording never fails a reconcile: a lost event is only a lost
 * note.
 */
export class EventRecorder {
  readonly #kube: KubeClient;
  readonly #component: string;
  readonly #sink: EventSink | undefined;
  readonly #windowMs: number;
  readonly #maxSeries: number;
  readonly #now: () => Date;
  // Insertion order is recency order (entries are re-inserted on use), so the first key is the oldest.
  readonly #series = new Map<string, Series>();
  // One write at a time per series, so two repeats at once cannot both create an Event.
  readonly #writing = new Map<string, Promise<void>>();

  constructor(kube: KubeClient, component: string, sink?: EventSink, options: EventRecorderOptions = {}) {
    this.#kube = kube;
    this.#component = component;
    this.#sink = sink;
    this.#windowMs = options.windowMs ?? 600_000;
    this.#maxSeries = options.maxSeries ?? 4096;
    this.#now = options.now ?? (() => new Date());
  }

  /** record writes one event about a token, or counts a repeat of one written within the window. */
  record(object: StorefrontTokenObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.#sink?.(object, type, reason, message);
    const key = [object.metadata.uid ?? `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`, type, reason, message].join('\u0000');
    const before = this.#writing.get(key) ?? Promise.resolve();
    const write = before.then(() => this.#write(key, object, type, reason, message)).catch(() => undefined);
    this.#writing.set(key, write);
    void write.then(() => {
      if (this.#writing.get(key) === write) this.#writing.delete(key);
    });
    return write;
  }

  async #write(key: string, object: StorefrontTokenObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = this.#now();
    const series = this.#series.get(key);
    if (series !== undefined && now.getTime() - series.lastMs < this.#windowMs) {
      const path = `/api/v1/namespaces/${series.namespace}/events/${series.name}`;
      const res = await this.#kube.call('PATCH', path, { count: series.count + 1, lastTimestamp: timestamp(now) }, 'application/merge-patch+json');
      if (res.status >= 200 && res.status < 300) {
        series.count += 1;
        series.lastMs = now.getTime();
        this.#remember(key, series);
        return;
      }
      // The Event expired (the API server's TTL) or was deleted: start a new one.
    }
    this.#series.delete(key);
    const created = await this.#create(object, type, reason, message, now);
    if (created !== undefined) this.#remember(key, { ...created, count: 1, lastMs: now.getTime() });
  }

  async #create(object: StorefrontTokenObject, type: 'Normal' | 'Warning', reason: string, message: string, now: Date): Promise<{ name: string; namespace: string } | undefined> {
    const namespace = object.metadata.namespace ?? 'default';
    const name = `${object.metadata.name ?? 'token'}.${randomBytes(6).toString('hex')}`;
    const at = timestamp(now);
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion ?? 'sftoken.dev/v1alpha1',
        kind: object.kind ?? 'StorefrontToken',
        name: object.metadata.name,
        namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component: this.#component },
      reportingComponent: this.#component,
      reportingInstance: this.#component,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    const res = await this.#kube.call('POST', `/api/v1/namespaces/${namespace}/events`, body);
    return res.status >= 200 && res.status < 300 ? { name, namespace } : undefined;
  }

  #remember(key: string, series: Series): void {
    this.#series.delete(key);
    this.#series.set(key, series);
    while (this.#series.size > this.#maxSeries) {
      const oldest = this.#series.keys().next().value;
      if (oldest === undefined) break;
      this.#series.delete(oldest);
    }
  }
}

// Event timestamps are RFC 3339 with whole seconds (metav1.Time).
function timestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
