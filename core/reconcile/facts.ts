import type { ObservedSpec, Observation } from '../contract/adapter.js';
import type { Capabilities } from '../contract/capabilities.js';
import type { TokenRecord } from '../schema/status.js';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';
import type { RolloutFacts } from './rollout.js';

/** IssueReason says why a new token is being issued. */
export type IssueReason = 'Initial' | 'Rotation' | 'Changed' | 'Repair' | 'Lost' | 'Requested' | 'Leaked';

/**
 * A RotateRequest is a user's "rotate now" not yet acted on (the operator's
 * `sftoken.dev/rotate` annotation whose value differs from the last one
 * recorded). revokePreviousNow is the leak response: the replaced token is
 * revoked as soon as the new one is published, with no overlap.
 */
export interface RotateRequest {
  /** value identifies the request; each distinct value is acted on once. */
  readonly value: string;
  readonly revokePreviousNow: boolean;
}

/**
 * SecretState is what the destination Secret holds, as the front end found it:
 * `current` (our current token), `missing`, `stale` (ours, but not holding
 * the current token: deleted key, edited value), or `foreign` (a Secret of
 * that name that this token does not own).
 */
export type SecretState = 'current' | 'missing' | 'stale' | 'foreign';

/** CurrentToken is the token the resource currently publishes. */
export interface CurrentToken {
  /** record identifies it (id, fingerprint, times). */
  readonly record: TokenRecord;
  /** observation is what the platform (or the token's claims) says now. */
  readonly observation: Observation;
  /** issued is the token's settings as issued, for fields the platform cannot report. */
  readonly issued?: ObservedSpec;
}

/**
 * TokenFacts is everything a decision needs, gathered once by the front end
 * (the operator from the API server and the platform, the provider from
 * Terraform state and the platform). Decisions never do I/O.
 */
export interface TokenFacts {
  readonly spec: StorefrontTokenSpec;
  /** name is the resolved display name: spec.displayName, or the resource's name. */
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly now: Date;
  /** pendingCreate is an intent recorded before a create whose outcome was never seen. */
  readonly pendingCreate?: { readonly idempotencyKey: string; readonly reason: IssueReason };
  /** current is the published token, if any. */
  readonly current?: CurrentToken;
  /** previous is the token kept valid during a rotation overlap. */
  readonly previous?: { readonly record: TokenRecord; readonly revokeAt: Date };
  /** secret is the destination Secret's state. */
  readonly secret: SecretState;
  /** valueKept tells whether a durable copy of the current value exists to republish. */
  readonly valueKept: boolean;
  /** revokedAt is set once every token of a revoked resource has been revoked. */
  readonly revokedAt?: Date;
  /** terminating: the namespace is being deleted; only settling and revoking may happen. */
  readonly terminating?: boolean;
  /** rotateRequest is a rotate-now request not yet acted on. */
  readonly rotateRequest?: RotateRequest;
  /** paused: nothing is issued, rotated or repaired; revocation still happens. */
  readonly paused?: boolean;
  /** rollout is the restart of the consumers for the current token, when one is recorded and its targets were gathered. */
  readonly rollout?: RolloutFacts;
}
