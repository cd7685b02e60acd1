import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** LoggerOptions choose the level and destination of the operator's JSON logs. */
export interface LoggerOptions {
  /** level is the minimum level written. @default info */
  readonly level?: string;
  /** destination is a file descriptor or stream; @default stdout */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * createLogger returns the operator's JSON logger. Token values never reach
 * it: they travel as SecretValue, whose every text form is a fingerprint.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = { level: options.level ?? 'info', base: { component: 'storefront-token-operator' }, timestamp: pino.stdTimeFunctions.isoTime };
  return options.destination === undefined ? pino(base) : pino(base, options.destination);
}
