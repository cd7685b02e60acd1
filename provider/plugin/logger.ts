/** LogLevel follows hclog, so Terraform shows our lines under TF_LOG with the right level. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Logger writes hclog-style JSON lines; never pass secrets as fields. */
export interface Logger {
  /** log writes one line at a level with optional structured fields. */
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, string | number | boolean>>): void;
}

const SEVERITY: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/**
 * engineLogLevel is the lowest level the engine will show for a provider:
 * TF_LOG_PROVIDER, else TF_LOG (the engine passes its environment on; any
 * other value, such as JSON, means trace). Unset or OFF shows nothing, and
 * then only warnings and errors are written.
 */
export function engineLogLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const setting = (env.TF_LOG_PROVIDER ?? env.TF_LOG ?? '').trim().toLowerCase();
  if (setting === '' || setting === 'off') return 'warn';
  return setting in SEVERITY ? (setting as LogLevel) : 'trace';
}

/**
 * stderrLogger logs to stderr because stdout belongs to the go-plugin
 * handshake; Terraform parses the JSON lines and shows them under TF_LOG.
 * Lines below minLevel are not written: a plan of N resources would
 * otherwise write, and the engine parse, 3N trace lines nobody sees.
 */
export function stderrLogger(module: string, write: (line: string) => void = (line) => process.stderr.write(line), minLevel: LogLevel = engineLogLevel()): Logger {
  const threshold = SEVERITY[minLevel];
  return {
    log(level, message, fields = {}) {
      if (SEVERITY[level] < threshold) return;
      write(
        `${JSON.stringify({ '@level': level, '@message': message, '@module': module, '@timestamp': new Date().toISOString(), ...fields })}\n`,
      );
    },
  };
}
