const brand = Symbol.for('storefront-token.KubeError');

/** KubeErrorOptions carries a KubeError's optional context. */
export interface KubeErrorOptions {
  /** cause is the underlying error (a socket error, a timeout). */
  readonly cause?: unknown;
  /** status is the API server's HTTP status, when it answered. */
  readonly status?: number;
}

/**
 * A KubeError is a failed API-server call: the verb and path, the server's
 * own message (which for a Secret call never contains its data) and the
 * status. Branded so the guard works across duplicated module copies.
 */
export class KubeError extends Error {
  /** code is the stable error code, ERR_KUBE, for logs and condition reasons. */
  readonly code = 'ERR_KUBE';
  /** status is the API server's HTTP status, if it answered. */
  readonly status: number | undefined;
  readonly [brand] = true;

  constructor(message: string, options: KubeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KubeError';
    this.status = options.status;
  }
}

/** isKubeError tells whether a value is a KubeError, optionally with one HTTP status. */
export function isKubeError(value: unknown, status?: number): value is KubeError {
  if (typeof value !== 'object' || value === null || !(brand in value)) return false;
  return status === undefined || (value as KubeError).status === status;
}
