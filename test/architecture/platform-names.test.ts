import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformNames } from '../../core/schema/platform.js';

// "Core never branches on a platform's name": platform facts live in the
// platform's folder and its one registry line. This scan of the runtime code
// keeps it so: a platform name as a string literal anywhere else fails here,
// unless the allowance below says why it must be there.

const root = join(import.meta.dirname, '..', '..');
const runtime = ['core', 'operator', 'provider', 'kube'];
const skip = (path: string): boolean =>
  path.endsWith('.test.ts') ||
  platformNames.some((name) => path.startsWith(`core/platforms/${name}/`)) ||
  path === 'core/platforms/registry.ts';

const allowed: readonly { file: string; reason: string }[] = [
  { file: 'provider/storefront-token/import.ts', reason: 'a bare `<account_id>/<token_id>` import id is the Cloudflare provider\'s format, kept so existing import commands work' },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('platform knowledge stays in its folder', () => {
  it('no runtime file outside a platform folder and the registry names a platform in code', () => {
    const literal = new RegExp(`['"\`](${platformNames.join('|')})['"\`]`);
    const found: string[] = [];
    for (const path of runtime.flatMap((d) => files(join(root, d))).map((p) => relative(root, p)).filter((p) => !skip(p))) {
      if (allowed.some((a) => a.file === path)) continue;
      readFileSync(join(root, path), 'utf8').split('\n').forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
        if (literal.test(code)) found.push(`${path}:${i + 1}: ${code}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('every allowance still names a platform, so none outlives its reason', () => {
    const literal = new RegExp(`['"\`](${platformNames.join('|')})['"\`]`);
    for (const { file } of allowed) expect(literal.test(readFileSync(join(root, file), 'utf8')), file).toBe(true);
  });
});
