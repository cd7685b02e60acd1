import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../kube/index.js';
import type { StorefrontTokenObject } from '../objects.js';

/** EventSink receives events the operator records, besides the API server (logs, tests). */
export type EventSink = (object: StorefrontTokenObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;

/**
 * An EventRecorder writes core/v1 Events about StorefrontTokens. Callers
 * record only when something happened (an issue, a revoke, a repair, a new
 * problem), never on a steady reconcile, so an idle operator writes none.
 * Recording never fails a reconcile: a lost event is only a lost note.
 */
export class EventRecorder {
  readonly #kube: KubeClient;
  readonly #component: string;
  readonly #sink: EventSink | undefined;

  constructor(kube: KubeClient, component: string, sink?: EventSink) {
    this.#kube = kube;
    this.#component = component;
    this.#sink = sink;
  }

  /** record writes one event about a token. */
  async record(object: StorefrontTokenObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.#sink?.(object, type, reason, message);
    const namespace = object.metadata.namespace ?? 'default';
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${object.metadata.name ?? 'token'}.${randomBytes(6).toString('hex')}`, namespace },
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
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await this.#kube.call('POST', `/api/v1/namespaces/${namespace}/events`, body).catch(() => undefined);
  }
}
