import { execFile } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import { all, createTokenWorkspace, prepareRealProvider, type RealProvider } from './storefront-token-harness.js';

// The shipped examples stay valid, and the generated CDKTF bindings match
// what the generator makes from the provider's schema today.
const { engines } = await resolveEngines();
const repo = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe.each(engines)('examples/terraform with $name $version', (engine: Engine) => {
  let provider: RealProvider;
  beforeAll(async () => {
    provider = await prepareRealProvider();
  });
  afterAll(() => {
    rmSync(provider.root, { recursive: true, force: true });
  });

  it('initialises from the filesystem mirror and validates', async () => {
    const ws = createTokenWorkspace(provider, engine, 'example', { TF_VAR_kubeconfig: '/nonexistent/kubeconfig' });
    copyFileSync(join(repo, 'examples', 'terraform', 'main.tf'), join(ws.dir, 'main.tf'));
    const init = await ws.run(['init', '-input=false']);
    expect(init.code, all(init)).toBe(0);
    const validate = await ws.run(['validate']);
    expect(validate.code, all(validate)).toBe(0);
  });
});

it('bindings/cdktf match a fresh generation from the provider schema (drift check)', async () => {
  const { stderr } = await run(process.execPath, ['--import', 'tsx', join(repo, 'scripts', 'generate-bindings.ts'), '--check'], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
  expect(stderr).toMatch(/bindings are up to date/);
}, 300_000);
