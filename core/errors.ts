/**
 * CoreErrorCode is the closed set of stable error codes. Front ends branch on
 * these (Terraform diagnostic summaries, Kubernetes condition reasons), never
 * on message text.
 */
export type CoreErrorCode =
  | 'ERR_SCHEMA_INVALID'
  | 'ERR_CONNECTION_INVALID'
  | 'ERR_UNSUPPORTED'
  | 'ERR_PLATFORM_AUTH'
  | 'ERR_PLATFORM_FORBIDDEN'
  | 'ERR_PLATFORM_VALIDATION'
  | 'ERR_PLATFORM_NOT_FOUND'
  | 'ERR_PLATFORM_CONFLICT'
  | 'ERR_PLATFORM_RATE_LIMITED'
  | 'ERR_PLATFORM_UNAVAILABLE'
  | 'ERR_PLATFORM_TIMEOUT'
  | 'ERR_PLATFORM_PROTOCOL'
  | 'ERR_CREATE_IN_DOUBT'
  | 'ERR_SCOPE_NOT_FOUND'
  | 'ERR_ABORTED';

const brand = Symbol.for('storefront-token.CoreError');

/** CoreErrorOptions carries the optional context of a CoreError. */
export interface CoreErrorOptions {
  /** cause is the underlying error, kept for logs and `--debug` output. */
  readonly cause?: unknown;
  /** platform names the platform whose API produced the error, if any. */
  readonly platform?: string;
  /** status is the HTTP status the platform answered, if any. */
  readonly status?: number;
  /** retryAfterMs is how long the platform asked us to wait, if it said. */
  readonly retryAfterMs?: number;
  /** path is the field path in the user's spec the error is about, if any. */
  readonly path?: readonly (string | number)[];
}

/**
 * A CoreError is every error the core raises on purpose: a stable code, a
 * human message that never contains a secret, and the cause. It is branded
 * with a global symbol so `isCoreError` works across duplicated copies of the
 * package, where `instanceof` would not.
 */
export class CoreError extends Error {
  /** code is the stable, machine-readable error code. */
  readonly code: CoreErrorCode;
  /** platform names the platform involved, if any. */
  readonly platform: string | undefined;
  /** status is the platform's HTTP status, if any. */
  readonly status: number | undefined;
  /** retryAfterMs is the platform's requested wait, if any. */
  readonly retryAfterMs: number | undefined;
  /** path is the spec field path the error is about, if any. */
  readonly path: readonly (string | number)[] | undefined;
  readonly [brand] = true;

  constructor(code: CoreErrorCode, message: string, options: CoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CoreError';
    this.code = code;
    this.platform = options.platform;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.path = options.path;
  }

  /** retryable tells whether repeating the same call later may succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

const RETRYABLE: ReadonlySet<CoreErrorCode> = new Set([
  'ERR_PLATFORM_RATE_LIMITED',
  'ERR_PLATFORM_UNAVAILABLE',
  'ERR_PLATFORM_TIMEOUT',
  'ERR_CREATE_IN_DOUBT',
]);

/** isCoreError tells whether a value is a CoreError, optionally of one code. */
export function isCoreError(value: unknown, code?: CoreErrorCode): value is CoreError {
  if (typeof value !== 'object' || value === null || !(brand in value)) return false;
  return code === undefined || (value as CoreError).code === code;
}
