import { isUnknown, type ObjectValue, type Value } from '../framework/value.js';

/**
 * TokenView is the computed part of the resource state, typed: what was
 * issued, what the last refresh found, and the rotation bookkeeping. All
 * times are RFC 3339 strings; absent means null in state.
 */
export interface TokenView {
  readonly id?: string | undefined;
  readonly tokenId?: string | undefined;
  readonly fingerprint?: string | undefined;
  readonly issuedAt?: string | undefined;
  readonly expiresAt?: string | undefined;
  readonly renewAt?: string | undefined;
  readonly status?: string | undefined;
  readonly previousTokenId?: string | undefined;
  readonly previousFingerprint?: string | undefined;
  readonly previousRevokeAt?: string | undefined;
  readonly revokedAt?: string | undefined;
  /** value is the token itself, present only when expose_value is true. */
  readonly value?: string | undefined;
}

const ATTRIBUTES = {
  id: 'id',
  tokenId: 'token_id',
  fingerprint: 'fingerprint',
  issuedAt: 'issued_at',
  expiresAt: 'expires_at',
  renewAt: 'renew_at',
  status: 'status',
  previousTokenId: 'previous_token_id',
  previousFingerprint: 'previous_fingerprint',
  previousRevokeAt: 'previous_revoke_at',
  revokedAt: 'revoked_at',
  value: 'value',
} as const satisfies Record<keyof TokenView, string>;

/** ViewKey is one field of a TokenView. */
export type ViewKey = keyof typeof ATTRIBUTES;

/** attributeOfView is the state attribute of a view field. */
export function attributeOfView(key: ViewKey): string {
  return ATTRIBUTES[key];
}

/** viewKeys lists every view field. */
export const viewKeys = Object.keys(ATTRIBUTES) as readonly ViewKey[];

/** viewOf reads the computed attributes of a state (unknown and null both read as absent). */
export function viewOf(state: ObjectValue | null): TokenView {
  const out: Record<string, string> = {};
  if (state === null) return out;
  for (const key of viewKeys) {
    const v: Value | undefined = state[ATTRIBUTES[key]];
    if (typeof v === 'string' && !isUnknown(v)) out[key] = v;
  }
  return out;
}

/** withView writes a view's fields over a state, nulling the ones the view lacks. */
export function withView(state: ObjectValue, view: TokenView): ObjectValue {
  const out: Record<string, Value> = { ...state };
  for (const key of viewKeys) out[ATTRIBUTES[key]] = view[key] ?? null;
  return out;
}
