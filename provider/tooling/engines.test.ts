import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveEngines } from './engines.js';

describe('resolveEngines', () => {
  const emptyCache = mkdtempSync(join(tmpdir(), 'sftoken-engines-'));
  afterAll(() => {
    rmSync(emptyCache, { recursive: true, force: true });
  });
  const rows: { reason: string; env: NodeJS.ProcessEnv; available: string[]; missing: RegExp[] }[] = [
    {
      reason: 'a fresh machine without engines or a build says why each is missing instead of skipping silently',
      env: { PATH: '', SFTOKEN_CACHE_DIR: emptyCache },
      available: [],
      missing: [/terraform is not on PATH/, /OpenTofu is not cached and building it is disabled/],
    },
    {
      reason: 'TERRAFORM_BINARY points at an engine outside PATH',
      env: { PATH: '', SFTOKEN_CACHE_DIR: emptyCache, TERRAFORM_BINARY: '/usr/local/bin/terraform' },
      available: ['terraform'],
      missing: [/OpenTofu is not cached/],
    },
  ];
  it.each(rows)('$reason', async (row) => {
    const { engines, unavailable } = await resolveEngines({ env: { ...row.env, PATH: row.env.PATH ?? '' }, buildOpenTofu: false, progress: () => undefined });
    expect(engines.map((e) => e.name)).toStrictEqual(row.available);
    for (const engine of engines) expect(engine.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(unavailable.map((u) => u.reason)).toHaveLength(row.missing.length);
    row.missing.forEach((pattern, i) => {
      expect(unavailable[i]?.reason).toMatch(pattern);
    });
  });
});
