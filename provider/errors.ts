/** ProviderErrorCode is the closed set of stable codes the provider layer raises. */
export type ProviderErrorCode =
  | 'ERR_PLUGIN_NOT_LAUNCHED_BY_TERRAFORM'
  | 'ERR_PLUGIN_PROTOCOL_UNSUPPORTED'
  | 'ERR_PLUGIN_TLS'
  | 'ERR_PLUGIN_LISTEN'
  | 'ERR_PROTO_NOT_FOUND'
  | 'ERR_VALUE_TYPE_MISMATCH'
  | 'ERR_VALUE_UNSUPPORTED_ATTRIBUTE'
  | 'ERR_VALUE_DECODE'
  | 'ERR_SCHEMA_INVALID'
  | 'ERR_INSTALL';

const brand = Symbol.for('storefront-token.ProviderError');

/**
 * ProviderError is every error the provider layer raises on purpose. Messages
 * name attribute paths and types, never values, so they cannot leak a secret.
 */
export class ProviderError extends Error {
  /** code is the stable, machine-readable error code. */
  readonly code: ProviderErrorCode;
  readonly [brand] = true;

  constructor(code: ProviderErrorCode, message: string, options: { readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.code = code;
  }
}

/** isProviderError tells whether a value is a ProviderError, optionally of one code. */
export function isProviderError(value: unknown, code?: ProviderErrorCode): value is ProviderError {
  if (typeof value !== 'object' || value === null || !(brand in value)) return false;
  return code === undefined || (value as ProviderError).code === code;
}
