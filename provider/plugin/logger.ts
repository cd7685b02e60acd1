/** LogLevel follows hclog, so Terraform shows our lines under TF_LOG with the right level. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Logger writes hclog-style JSON lines; never pass secrets as fields. */
export interface Logger {
  /** log writes one line at a level with optional structured fields. */
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, string | number | boolean>>): void;
}

/**
 * stderrLogger logs to stderr because stdout belongs to the go-plugin
 * handshake; Terraform parses the JSON lines and shows them under TF_LOG.
 */
export function stderrLogger(module: string, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  return {
    log(level, message, fields = {}) {
      write(
        `${JSON.stringify({ '@level': level, '@message': message, '@module': module, '@timestamp': new Date().toISOString(), ...fields })}\n`,
      );
    },
  };
}
