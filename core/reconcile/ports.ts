import type { Observation } from '../contract/adapter.js';
import type { SecretContent } from '../delivery/secret-content.js';
import type { DurableState } from './durable-state.js';
import type { ConsumerRef } from './rollout.js';

/**
 * A TokenStore is the durable record of one token (the operator's state
 * Secret, the provider's state Secret beside the destination). The engine
 * reads `state` and replaces it with `save`, one write per transition.
 */
export interface TokenStore {
  /** state is the last state loaded or saved. */
  readonly state: DurableState;
  /** save replaces the state durably; a concurrent writer makes it throw, and nothing is half-written. */
  save(next: DurableState): Promise<void>;
}

/**
 * A Destination is the Kubernetes Secret that receives the token. Each front
 * end marks ownership its own way (an owner reference, an owner annotation);
 * the content is the engine's.
 */
export interface Destination {
  /** publish writes the content when the Secret is absent or ours; it never overwrites someone else's. */
  publish(content: SecretContent): Promise<void>;
  /**
   * retract removes the token from our Secret: `Delete` deletes it, `Empty`
   * replaces its content with `retracted(actual)`. It returns false when there
   * was nothing of ours to retract.
   */
  retract(mode: 'Delete' | 'Empty', retracted: (actual: SecretContent) => SecretContent): Promise<boolean>;
}

/** A RestartOutcome is what restarting one target did. */
export interface RestartOutcome extends ConsumerRef {
  /** outcome: restarted, missing (nothing to restart), or failed (refused; not retried for this token). */
  readonly outcome: 'restarted' | 'missing' | 'failed';
  /** message says why it failed, for the event. */
  readonly message?: string;
}

/**
 * Consumers restarts the workloads that read the token (the operator patches
 * their pod templates). restart marks each target as restarted for `token`
 * (a fingerprint) in the same write that restarts it, so a target already
 * marked is never restarted twice for one token. A refusal is reported as
 * `failed`; an error worth retrying (the API server unreachable) throws.
 */
export interface Consumers {
  restart(targets: readonly ConsumerRef[], token: string): Promise<readonly RestartOutcome[]>;
}

/** CrashStep is a point in a transition where a crash must lose nothing. */
export type CrashStep =
  | 'afterIntent' // pending create recorded, platform not yet called
  | 'afterCreate' // platform created the token, state not yet written
  | 'afterRecord' // state holds the new token, destination not yet published
  | 'afterPublish' // destination published, status not yet written
  | 'afterRevoke' // platform revoked, state not yet written
  | 'afterRevokeRecord' // state records the revocation, Secret not yet retracted
  | 'afterRevokePrevious' // previous revoked at the platform, state not yet written
  | 'afterRestart' // restart targets patched, the restart not yet recorded
  | 'beforeRevokePrevious'; // targets rolled out (or the overlap ended), previous not yet revoked

/** ExecuteHooks let a front end watch the engine's steps without copying them. */
export interface ExecuteHooks {
  /** crashPoint marks a point between two durable effects (the operator's crash tests arm these). */
  readonly crashPoint?: (step: CrashStep) => void;
  /** observed reports what the platform said about a token just issued or changed, for observation caches. */
  readonly observed?: (fingerprint: string, observation: Observation) => void;
}

/** PlatformGate wraps every platform call, e.g. the operator's per-connection backoff gate. */
export type PlatformGate = <T>(call: () => Promise<T>) => Promise<T>;

/** An EventNote is something that happened, for a Kubernetes event or a Terraform warning. */
export interface EventNote {
  readonly type: 'Normal' | 'Warning';
  /** reason is PascalCase, for machines. */
  readonly reason: string;
  /** message is stable and human, and never holds a secret. */
  readonly message: string;
}
