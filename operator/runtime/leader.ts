import { isConflict } from '../errors.js';
import type { KubeClient } from '../../kube/index.js';

/** LeaderOptions configure leader election on a coordination.k8s.io Lease. */
export interface LeaderOptions {
  readonly kube: KubeClient;
  readonly namespace: string;
  /** name of the Lease. @default storefront-token-operator */
  readonly name?: string;
  /** identity of this replica (pod name, or host and pid). */
  readonly identity: string;
  /** leaseDurationSeconds: how long a lease holds without renewal. @default 15 */
  readonly leaseDurationSeconds?: number;
  /** retryPeriodMs: how often to try to acquire or renew. @default 2000 */
  readonly retryPeriodMs?: number;
  /** renewDeadlineMs: a leader that cannot renew for this long steps down. @default 10000 */
  readonly renewDeadlineMs?: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly onError?: (error: unknown) => void;
}

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

const microTime = (d: Date): string => d.toISOString().replace('Z', '000Z');

/**
 * LeaderElector implements client-go's Lease protocol: a replica takes the
 * Lease when it is free or expired, renews it every retry period, and steps
 * down when renewal has failed for the renew deadline. Every write is
 * resourceVersion-guarded, so two replicas never both believe they lead.
 */
export class LeaderElector {
  readonly #o: LeaderOptions;
  readonly #name: string;
  #leading = false;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: LeaderOptions) {
    this.#o = options;
    this.#name = options.name ?? 'storefront-token-operator';
  }

  /** leading tells whether this replica holds the Lease. */
  get leading(): boolean {
    return this.#leading;
  }

  /** start begins trying to acquire the Lease. */
  start(): void {
    void this.#tick();
  }

  /** stop stops renewing and releases the Lease if held, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!this.#leading) return;
    this.#leading = false;
    const lease = await this.#o.kube.get<Lease>(this.#path()).catch(() => undefined);
    if (lease?.spec.holderIdentity !== this.#o.identity) return;
    await this.#o.kube.send('PUT', this.#path(), { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } }).catch(() => undefined);
  }

  #path(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${this.#o.namespace}/leases`;
    return name === undefined ? `${base}/${this.#name}` : base;
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    try {
      const ok = await this.#tryAcquireOrRenew();
      if (ok) {
        this.#lastRenew = Date.now();
        if (!this.#leading) {
          this.#leading = true;
          this.#o.onStartedLeading();
        }
      }
    } catch (error) {
      if (!isConflict(error)) this.#o.onError?.(error);
    }
    if (this.#leading && Date.now() - this.#lastRenew > (this.#o.renewDeadlineMs ?? 10_000)) {
      this.#leading = false;
      this.#o.onStoppedLeading();
    }
    if (!this.#isStopped()) this.#timer = setTimeout(() => void this.#tick(), this.#o.retryPeriodMs ?? 2000);
  }

  // stop() may run while a tick awaits; read the flag through a call so narrowing does not freeze it.
  #isStopped(): boolean {
    return this.#stopped;
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const duration = this.#o.leaseDurationSeconds ?? 15;
    const lease = await this.#o.kube.get<Lease>(this.#path());
    if (lease === undefined) {
      await this.#o.kube.send('POST', this.#path(''), {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.#name, namespace: this.#o.namespace },
        spec: { holderIdentity: this.#o.identity, leaseDurationSeconds: duration, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      });
      return true;
    }
    const holder = lease.spec.holderIdentity ?? '';
    const renewed = Date.parse(lease.spec.renewTime ?? '1970-01-01T00:00:00Z');
    const expired = renewed + (lease.spec.leaseDurationSeconds ?? duration) * 1000 < now.getTime();
    if (holder !== this.#o.identity && holder !== '' && !expired) return false;
    const taking = holder !== this.#o.identity;
    await this.#o.kube.send('PUT', this.#path(), {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: this.#o.identity,
        leaseDurationSeconds: duration,
        renewTime: microTime(now),
        ...(taking ? { acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    });
    return true;
  }
}
