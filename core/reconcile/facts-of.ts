import type { Observation } from '../contract/adapter.js';
import type { Capabilities } from '../contract/capabilities.js';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';
import { recordOf, type DurableState } from './durable-state.js';
import type { RotateRequest, SecretState, TokenFacts } from './facts.js';

/** FactsInput is what a front end gathered about one token. */
export interface FactsInput {
  readonly spec: StorefrontTokenSpec;
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly now: Date;
  readonly state: DurableState;
  /** observation is what the platform (or the last refresh) says of the current token; unknown when absent. */
  readonly observation?: Observation;
  readonly secret: SecretState;
  /** terminating: the token's namespace is being deleted; nothing may be issued or published into it. */
  readonly terminating?: boolean;
  /** rotateRequest is the rotate-now request as the front end found it (acted on or not). */
  readonly rotateRequest?: RotateRequest;
  /** paused: the user paused reconciling this token. */
  readonly paused?: boolean;
}

/** factsOf turns a durable state and what was observed into decide()'s input; both front ends call it. */
export function factsOf(input: FactsInput): TokenFacts {
  const { state } = input;
  const live = state.revokedAt === undefined;
  const current = state.current === undefined || !live ? undefined : {
    record: recordOf(state.current),
    observation: input.observation ?? { state: 'unknown' as const, ...(state.current.expiresAt === undefined ? {} : { expiresAt: new Date(state.current.expiresAt) }) },
    ...(state.current.issued === undefined ? {} : { issued: state.current.issued }),
  };
  return {
    spec: input.spec,
    name: input.name,
    capabilities: input.capabilities,
    now: input.now,
    ...(state.pending === undefined ? {} : { pendingCreate: { idempotencyKey: state.pending.key, reason: state.pending.reason } }),
    ...(current === undefined ? {} : { current }),
    ...(state.previous === undefined || !live ? {} : { previous: { record: recordOf(state.previous), revokeAt: new Date(state.previous.revokeAt) } }),
    secret: input.secret,
    valueKept: state.current?.value !== undefined,
    ...(live ? {} : { revokedAt: new Date(state.revokedAt ?? '') }),
    ...(input.terminating === true ? { terminating: true } : {}),
    // A request already acted on (recorded with the token it produced, or with the intent) is done.
    ...(input.rotateRequest === undefined || input.rotateRequest.value === '' || input.rotateRequest.value === (state.pending?.request ?? state.rotated) ? {} : { rotateRequest: input.rotateRequest }),
    ...(input.paused === true ? { paused: true } : {}),
  };
}
