import { isKubeError } from '../kube/errors.js';

/**
 * OperatorErrorCode is the closed set of the operator's own error codes;
 * platform errors stay CoreErrors with their core codes.
 */
export type OperatorErrorCode =
  | 'ERR_CONFIG'
  | 'ERR_CONFLICT'
  | 'ERR_CONNECTION_NOT_FOUND'
  | 'ERR_CONNECTION_FORBIDDEN'
  | 'ERR_CREDENTIALS'
  | 'ERR_STATE_CORRUPT'
  | 'ERR_LEADERSHIP_LOST';

const brand = Symbol.for('storefront-token.OperatorError');

/** OperatorErrorOptions carries an OperatorError's optional context. */
export interface OperatorErrorOptions {
  /** cause is the underlying error. */
  readonly cause?: unknown;
  /** status is the API server's HTTP status, when one answered. */
  readonly status?: number;
}

/**
 * An OperatorError is an error the operator raises on purpose: a stable
 * code, a message without secrets, and the cause. Branded like CoreError so
 * the guard works across duplicated module copies.
 */
export class OperatorError extends Error {
  /** code is the stable, machine-readable error code. */
  readonly code: OperatorErrorCode;
  /** status is the API server's HTTP status, if any. */
  readonly status: number | undefined;
  readonly [brand] = true;

  constructor(code: OperatorErrorCode, message: string, options: OperatorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OperatorError';
    this.code = code;
    this.status = options.status;
  }
}

/** isOperatorError tells whether a value is an OperatorError, optionally of one code. */
export function isOperatorError(value: unknown, code?: OperatorErrorCode): value is OperatorError {
  if (typeof value !== 'object' || value === null || !(brand in value)) return false;
  return code === undefined || (value as OperatorError).code === code;
}

/** isConflict tells whether an error is an API-server optimistic-lock conflict (or already-exists race). */
export function isConflict(value: unknown): boolean {
  return isOperatorError(value, 'ERR_CONFLICT') || isKubeError(value, 409);
}
