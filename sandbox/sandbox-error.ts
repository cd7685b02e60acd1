/** SandboxErrorCode is the stable code carried by every error the sandbox itself throws. */
export type SandboxErrorCode =
  | 'SANDBOX_SPEC_NOT_FOUND'
  | 'SANDBOX_LISTEN_FAILED'
  | 'SANDBOX_BAD_OPTION'
  | 'SANDBOX_SIGNING_FAILED';

/** SandboxError is the coded error type of the sandbox package (never used for HTTP replies, which use platform envelopes). */
export class SandboxError extends Error {
  /** code is stable across releases; match on it, not on the message. */
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxError';
    this.code = code;
  }
}

/** isSandboxError narrows an unknown thrown value to a SandboxError. */
export function isSandboxError(value: unknown): value is SandboxError {
  return value instanceof SandboxError;
}
