import type { StorefrontTokenSpec } from './storefront-token.js';

/**
 * FINGERPRINT_ANNOTATION names the token a destination Secret publishes,
 * without revealing it. Both front ends write it, so a Secret written by one
 * reads the same to the other and to people.
 */
export const FINGERPRINT_ANNOTATION = 'sftoken.dev/fingerprint';

/** PREVIOUS_TOKEN_KEY holds the previous token during a rotation overlap, so consumers can fall back. */
export const PREVIOUS_TOKEN_KEY = 'previousToken';
/** PREVIOUS_EXPIRES_AT_KEY says when the previous token is due to stop working (RFC 3339). */
export const PREVIOUS_EXPIRES_AT_KEY = 'previousExpiresAt';
/** RESERVED_KEYS are data keys the engine writes itself; spec.secret.keys must not name them. */
export const RESERVED_KEYS: readonly string[] = [PREVIOUS_TOKEN_KEY, PREVIOUS_EXPIRES_AT_KEY];

/**
 * originsOf reads the allowed origins from the token's platform block: the
 * field whose name ends in "Origins" (allowedCorsOrigins, allowedOrigins).
 * Read by shape, not by platform name, so a new platform needs no change.
 * Both front ends publish it as the Secret's non-secret origins key.
 */
export function originsOf(spec: StorefrontTokenSpec): readonly string[] {
  const block = spec[spec.platform] as Record<string, unknown> | undefined;
  for (const [field, value] of Object.entries(block ?? {})) {
    if (field.endsWith('Origins') && Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  }
  return [];
}
