import type { ObservedSpec } from '../../core/adapters/adapter.js';
import type { Capabilities } from '../../core/adapters/capabilities.js';
import type { SecretState, TokenFacts } from '../../core/reconcile/facts.js';
import type { TokenState } from '../../core/adapters/adapter.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { TokenView } from './token-view.js';

/**
 * observedFromPrior describes the current token the way the last apply or
 * refresh left it in state, in the shape decide() diffs against: a field
 * null in state counts as "known unset", so adding a setting is a change
 * while leaving an unset field unset is not.
 */
export function observedFromPrior(desired: StorefrontTokenSpec, prior: Readonly<Record<string, unknown>>, name: string): ObservedSpec {
  const priorBlock = (prior[desired.platform] ?? {}) as Record<string, unknown>;
  const desiredBlock = (desired[desired.platform] ?? {}) as Record<string, unknown>;
  const block: Record<string, unknown> = {};
  for (const field of new Set([...Object.keys(priorBlock), ...Object.keys(desiredBlock)])) {
    const before = priorBlock[field];
    if (before !== undefined) block[field] = before;
    else if (desiredBlock[field] !== undefined) block[field] = null;
  }
  const displayName = typeof prior['displayName'] === 'string' ? prior['displayName'] : name;
  return { displayName, block };
}

/** tokenStateOf maps the refresh status to the platform's view of the token. */
export function tokenStateOf(status: string | undefined): TokenState {
  if (status === 'revoked' || status === 'expired' || status === 'missing' || status === 'active') return status;
  return 'unknown';
}

/** secretStateOf maps the refresh status to what the Secret holds. */
export function secretStateOf(status: string | undefined): SecretState {
  if (status === 'secret_missing' || status === 'imported' || status === 'revoked') return 'missing';
  if (status === 'secret_stale') return 'stale';
  if (status === 'secret_foreign') return 'foreign';
  return 'current';
}

/** FactsInput is what the provider knows when it decides. */
export interface FactsInput {
  readonly spec: StorefrontTokenSpec;
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly now: Date;
  readonly view: TokenView;
  readonly observed: ObservedSpec | undefined;
  readonly tokenState: TokenState;
  readonly secret: SecretState;
  readonly valueKept: boolean;
}

/** factsOf assembles decide()'s input from the provider's view of a resource. */
export function factsOf(input: FactsInput): TokenFacts {
  const { view } = input;
  const expiresAt = view.expiresAt === undefined ? undefined : new Date(view.expiresAt);
  const current =
    view.fingerprint === undefined && view.tokenId === undefined
      ? undefined
      : {
          record: {
            fingerprint: view.fingerprint ?? 'unknown',
            issuedAt: view.issuedAt ?? '',
            ...(view.tokenId === undefined ? {} : { id: view.tokenId }),
            ...(view.expiresAt === undefined ? {} : { expiresAt: view.expiresAt }),
          },
          observation: {
            state: input.tokenState,
            ...(expiresAt === undefined ? {} : { expiresAt }),
            ...(input.observed === undefined ? {} : { observed: input.observed }),
          },
        };
  const previous =
    view.previousFingerprint === undefined || view.previousRevokeAt === undefined
      ? undefined
      : {
          record: { fingerprint: view.previousFingerprint, issuedAt: '', ...(view.previousTokenId === undefined ? {} : { id: view.previousTokenId }) },
          revokeAt: new Date(view.previousRevokeAt),
        };
  return {
    spec: input.spec,
    name: input.name,
    capabilities: input.capabilities,
    now: input.now,
    secret: input.secret,
    valueKept: input.valueKept,
    ...(current === undefined ? {} : { current }),
    ...(previous === undefined ? {} : { previous }),
    ...(view.revokedAt === undefined ? {} : { revokedAt: new Date(view.revokedAt) }),
  };
}

/** displayNameOf is the token's name at the platform: display_name, else the Secret's name. */
export function displayNameOf(spec: StorefrontTokenSpec): string {
  return spec.displayName ?? spec.secret.name;
}
