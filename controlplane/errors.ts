/** ControlPlaneErrorCode names every way the local control plane can fail, stable for callers to branch on. */
export type ControlPlaneErrorCode =
  | 'CONTROLPLANE_BUILD_FAILED'
  | 'CONTROLPLANE_SPAWN_FAILED'
  | 'CONTROLPLANE_EXITED'
  | 'CONTROLPLANE_NOT_READY'
  | 'CONTROLPLANE_CRD_NOT_ESTABLISHED'
  | 'CONTROLPLANE_STOP_FAILED'
  | 'CONTROLPLANE_STATE_INVALID';

/** ControlPlaneError is the single error type of the controlplane package; messages never carry tokens or keys. */
export class ControlPlaneError extends Error {
  /** code is the stable identifier; the message is for humans and may change. */
  readonly code: ControlPlaneErrorCode;

  constructor(code: ControlPlaneErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControlPlaneError';
    this.code = code;
  }
}

/** isControlPlaneError narrows an unknown thrown value, optionally to one code. */
export function isControlPlaneError(err: unknown, code?: ControlPlaneErrorCode): err is ControlPlaneError {
  return err instanceof ControlPlaneError && (code === undefined || err.code === code);
}
