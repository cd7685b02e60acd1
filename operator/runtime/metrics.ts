import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PlatformCall } from '../../core/contract/adapter.js';
import { TokenMetrics } from './token-metrics.js';

/**
 * OperatorMetrics are the Prometheus series the operator exports: reconciles
 * and their errors, platform calls by outcome, API-server calls by verb (an
 * idle operator shows zero writes here), queue depth, leadership, and the
 * per-token series (token-metrics.ts). Every series is named sftoken_*;
 * docs/operator.md lists them, and the chart's alerts and dashboard use
 * only these.
 */
export class OperatorMetrics {
  /** registry holds every series; served at /metrics. */
  readonly registry = new Registry();
  readonly reconciles: Counter<'result'>;
  readonly reconcileErrors: Counter<'reason'>;
  readonly reconcileSeconds: Histogram;
  readonly platformCalls: Counter<'platform' | 'operation' | 'outcome'>;
  readonly rateLimited: Counter<'platform'>;
  readonly kubeCalls: Counter<'verb' | 'resource' | 'code'>;
  readonly queueDepth: Gauge;
  /** tokens are the per-token series and the rotation and revocation counters. */
  readonly tokens: TokenMetrics;
  readonly actions: Counter<'action' | 'reason'>;
  readonly leader: Gauge;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.reconciles = new Counter({ name: 'sftoken_reconcile_total', help: 'Reconciles by result.', labelNames: ['result'], registers });
    this.reconcileErrors = new Counter({ name: 'sftoken_reconcile_errors_total', help: 'Failed reconciles by reason.', labelNames: ['reason'], registers });
    this.reconcileSeconds = new Histogram({ name: 'sftoken_reconcile_duration_seconds', help: 'Reconcile duration.', buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers });
    this.platformCalls = new Counter({ name: 'sftoken_platform_calls_total', help: 'Platform API calls by platform, operation and outcome (HTTP status or error).', labelNames: ['platform', 'operation', 'outcome'], registers });
    this.rateLimited = new Counter({ name: 'sftoken_platform_rate_limited_total', help: 'Platform answers 429 Too Many Requests, by platform; starts at 0 with the platform\'s first call, so rate() sees the first 429.', labelNames: ['platform'], registers });
    this.kubeCalls = new Counter({ name: 'sftoken_kube_requests_total', help: 'API server requests by verb, resource and status code.', labelNames: ['verb', 'resource', 'code'], registers });
    this.queueDepth = new Gauge({ name: 'sftoken_workqueue_depth', help: 'Tokens waiting to be reconciled.', registers });
    this.tokens = new TokenMetrics(registers);
    this.actions = new Counter({ name: 'sftoken_actions_total', help: 'Steps carried out, by action and reason.', labelNames: ['action', 'reason'], registers });
    this.leader = new Gauge({ name: 'sftoken_leader', help: '1 while this replica holds the leader Lease.', registers });
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /** onPlatformCall counts one platform call. */
  onPlatformCall = (call: PlatformCall): void => {
    const outcome = String(call.outcome);
    this.platformCalls.inc({ platform: call.platform, operation: call.operation, outcome });
    // A labelled series appears on its first increment, which rate() cannot see; this one exists from the first call.
    this.rateLimited.inc({ platform: call.platform }, outcome === '429' ? 1 : 0);
  };

  /** onKubeCall counts one API-server call. */
  onKubeCall = (verb: string, resource: string, status: number): void => {
    this.kubeCalls.inc({ verb, resource, code: String(status) });
  };

  /** platformCallCount sums platform calls, for tests and benchmarks. */
  async platformCallCount(): Promise<number> {
    const data = await this.platformCalls.get();
    return data.values.reduce((sum, v) => sum + v.value, 0);
  }

  /** kubeWriteCount sums non-GET API-server calls (events included), for tests and benchmarks. */
  async kubeWriteCount(): Promise<number> {
    const data = await this.kubeCalls.get();
    return data.values.filter((v) => v.labels.verb !== 'GET').reduce((sum, v) => sum + v.value, 0);
  }
}
