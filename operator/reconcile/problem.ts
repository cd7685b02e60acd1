/**
 * A Problem stops a reconcile before any platform call: bad spec, missing
 * connection, unreadable credentials. It becomes Synced=False and Ready=False
 * with its reason and message; retryMs says when to look again (undefined:
 * only when something we watch changes).
 */
export interface Problem {
  readonly reason: string;
  readonly message: string;
  readonly retryMs?: number;
}

/** isProblem tells a Problem from a gathered result. */
export function isProblem(value: object): value is Problem {
  return 'reason' in value && 'message' in value && !('facts' in value);
}
