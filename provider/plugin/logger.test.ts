import { describe, expect, it } from 'vitest';
import { engineLogLevel, stderrLogger, type LogLevel } from './logger.js';

describe('engineLogLevel', () => {
  const rows: { reason: string; env: NodeJS.ProcessEnv; level: LogLevel }[] = [
    { reason: 'no TF_LOG: the engine shows no provider line, so only warnings and errors are written', env: {}, level: 'warn' },
    { reason: 'TF_LOG=off is the same as unset', env: { TF_LOG: 'off' }, level: 'warn' },
    { reason: 'TF_LOG names the level, in any case', env: { TF_LOG: 'DEBUG' }, level: 'debug' },
    { reason: 'TF_LOG_PROVIDER wins over TF_LOG for providers', env: { TF_LOG: 'trace', TF_LOG_PROVIDER: 'info' }, level: 'info' },
    { reason: 'TF_LOG=JSON (or any other value) means trace to the engine', env: { TF_LOG: 'JSON' }, level: 'trace' },
  ];
  it.each(rows)('$reason', ({ env, level }) => {
    expect(engineLogLevel(env)).toBe(level);
  });
});

describe('stderrLogger', () => {
  it('writes lines at or above its level and drops the rest', () => {
    const lines: string[] = [];
    const log = stderrLogger('provider.test', (line) => lines.push(line), 'debug');
    log.log('trace', 'PlanResourceChange done');
    log.log('debug', 'plugin started');
    log.log('error', 'apply failed');
    expect(lines.map((l) => (JSON.parse(l) as { '@message': string })['@message'])).toEqual(['plugin started', 'apply failed']);
  });
});
