import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingFeature, resolveEngines, type Engine } from './engines.js';

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

describe('missingFeature', () => {
  const rows: { reason: string; engine: Pick<Engine, 'name' | 'version'>; missing: RegExp | undefined }[] = [
    { reason: 'Terraform 1.11 has ephemeral resources', engine: { name: 'terraform', version: '1.11.4' }, missing: undefined },
    { reason: 'Terraform 1.10.0 is the first with them', engine: { name: 'terraform', version: '1.10.0' }, missing: undefined },
    { reason: 'fails for Terraform 1.9, before ephemeral resources', engine: { name: 'terraform', version: '1.9.8' }, missing: /terraform 1\.9\.8 has no ephemeral resources \(needs 1\.10\.0/ },
    { reason: 'fails for OpenTofu 1.10, which has none', engine: { name: 'tofu', version: '1.10.10' }, missing: /tofu 1\.10\.10 has no ephemeral resources \(needs 1\.11\.0/ },
    { reason: 'OpenTofu 1.11.0 has them', engine: { name: 'tofu', version: '1.11.0' }, missing: undefined },
    { reason: 'a later major counts even with a smaller minor', engine: { name: 'tofu', version: '2.0.1' }, missing: undefined },
    { reason: 'fails for an engine that reports no release number', engine: { name: 'tofu', version: 'unknown' }, missing: /not a release number/ },
  ];
  it.each(rows)('$reason', ({ engine, missing }) => {
    const why = missingFeature({ ...engine, binary: '/bin/false' }, 'ephemeralResources');
    if (missing === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(missing);
  });
});
