import type { ObservedSpec, Observation, TokenState } from '../../core/contract/adapter.js';
import type { DurableState, DurableToken, PreviousToken } from '../../core/reconcile/durable-state.js';
import type { SecretState } from '../../core/reconcile/facts.js';
import { SecretValue } from '../../core/secret.js';
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
  if (status === 'secret_stale' || status === 'secret_lost') return 'stale';
  if (status === 'secret_foreign') return 'foreign';
  return 'current';
}

/** observationOf is what the last refresh said of the current token, for decide(). */
export function observationOf(view: TokenView, observed: ObservedSpec | undefined): Observation {
  return {
    state: tokenStateOf(view.status),
    ...(view.expiresAt === undefined ? {} : { expiresAt: new Date(view.expiresAt) }),
    ...(observed === undefined ? {} : { observed }),
  };
}

/** KeptValues are token values found outside the state Secret: the destination's, or state's `value` under expose_value. */
export interface KeptValues {
  readonly current?: SecretValue | undefined;
  readonly previous?: SecretValue | undefined;
}

/** keptValue is a value found somewhere, if it is the one with this fingerprint. */
export function keptValue(value: string | undefined | null, fingerprint: string | undefined): SecretValue | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const secret = new SecretValue(value);
  return fingerprint === undefined || secret.fingerprint === fingerprint ? secret : undefined;
}

/**
 * stateFromView rebuilds a durable state from Terraform state alone, where
 * no state Secret exists: an imported token (no value ever seen), resources
 * from releases before the state Secret, and plans (which read no cluster).
 */
export function stateFromView(view: TokenView, values: KeptValues = {}): DurableState {
  const hasCurrent = view.fingerprint !== undefined || view.tokenId !== undefined;
  const currentValue = values.current;
  const current: DurableToken | undefined = !hasCurrent ? undefined : {
    fingerprint: view.fingerprint ?? 'imported',
    issuedAt: view.issuedAt ?? '',
    ...(view.tokenId === undefined ? {} : { id: view.tokenId }),
    ...(view.expiresAt === undefined ? {} : { expiresAt: view.expiresAt }),
    ...(currentValue === undefined ? {} : { value: currentValue }),
  };
  const previousValue = values.previous;
  const previous: PreviousToken | undefined = view.previousFingerprint === undefined || view.previousRevokeAt === undefined ? undefined : {
    fingerprint: view.previousFingerprint,
    issuedAt: '',
    revokeAt: view.previousRevokeAt,
    retired: 'Rotated',
    ...(view.previousTokenId === undefined ? {} : { id: view.previousTokenId }),
    ...(previousValue === undefined ? {} : { value: previousValue }),
  };
  return {
    ...(current === undefined ? {} : { current }),
    ...(previous === undefined ? {} : { previous }),
    ...(view.revokedAt === undefined ? {} : { revokedAt: view.revokedAt }),
    history: [],
    notes: [],
  };
}

/** viewOfState is the computed attributes a durable state gives Terraform state. */
export function viewOfState(state: DurableState): TokenView {
  const { current, previous } = state;
  return {
    tokenId: current?.id,
    fingerprint: current?.fingerprint,
    issuedAt: current?.issuedAt === '' ? undefined : current?.issuedAt,
    expiresAt: current?.expiresAt,
    previousTokenId: previous?.id,
    previousFingerprint: previous?.fingerprint,
    previousRevokeAt: previous?.revokeAt,
    revokedAt: state.revokedAt,
  };
}

/** displayNameOf is the token's name at the platform: display_name, else the Secret's name. */
export function displayNameOf(spec: StorefrontTokenSpec): string {
  return spec.displayName ?? spec.secret.name;
}
