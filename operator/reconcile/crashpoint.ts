import type { CrashStep } from '../../core/reconcile/ports.js';

/**
 * CrashPointEnv names the environment variable that arms crash points:
 * `<step>[:<n>]` makes the process SIGKILL itself the n-th time (default
 * first) it reaches that step. It exists for the crash-safety test, which
 * must kill the operator at exact points of issue, rotate and revoke; a
 * process never armed pays one string comparison per step.
 */
export const CrashPointEnv = 'SFTOKEN_CRASH_AT';

export type { CrashStep };

const armed = parse(process.env[CrashPointEnv]);
let seen = 0;

function parse(value: string | undefined): { step: string; n: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const [step = '', n = '1'] = value.split(':');
  return { step, n: Number(n) };
}

/** crashPoint marks a step; if armed for it, the process dies here without any cleanup. */
export function crashPoint(step: CrashStep): void {
  if (armed?.step !== step) return;
  seen++;
  if (seen >= armed.n) process.kill(process.pid, 'SIGKILL');
}
