/** BackoffPolicy bounds the exponential backoff between retries. */
export interface BackoffPolicy {
  /** baseMs is the ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** capMs is the largest ceiling any retry's delay may have. */
  readonly capMs: number;
}

/**
 * backoffDelay is "full jitter" backoff: a uniform draw below min(cap,
 * base·2^attempt). Full jitter spreads clients that failed together, so they
 * do not come back together; `attempt` counts from 0 for the first retry.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
