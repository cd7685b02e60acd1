import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

interface ReadyLine {
  ready: boolean;
  url: string;
  platforms: Record<string, { baseUrl: string }>;
}

describe('sftoken sandbox', () => {
  it('prints one ready JSON line, serves all four platforms, applies flags and exits on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'sandbox', '--port', '0', '--burst-429', '1', '--fault-platform', 'avvyr', '--stats-interval', '0'], {
      cwd: new URL('..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const ready = JSON.parse(first) as ReadyLine;
      expect(ready.ready).toBe(true);
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Object.keys(ready.platforms)).toEqual(['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr']);
      expect(ready.platforms['cloudflare']?.baseUrl).toBe(`${ready.url}/cloudflare/client/v4`);
      const faults = (await (await fetch(`${ready.url}/_sandbox/faults`)).json()) as { avvyr: { burst429: number } };
      expect(faults.avvyr.burst429).toBe(1);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('exits 2 with usage on an unknown flag', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'sandbox', '--bogus'], { cwd: new URL('..', import.meta.url), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(err).toContain('usage: sftoken sandbox');
  });
});
