import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEngines } from '../../provider/tooling/engines.js';
import type { Engine } from '../../provider/tooling/engines.js';
import { createWorkspace, prepareTestProvider, thingConfig } from './harness.js';
import type { PreparedProvider, RunResult, Workspace } from './harness.js';

// End to end through real engines: the test provider is bundled, installed
// into a temp filesystem mirror and driven by every engine this machine has
// (Terraform from PATH, OpenTofu built from the Go module proxy on first use).
const { engines, unavailable } = await resolveEngines();

const SECRET = 'hunter2-do-not-print';
const valid = (storePath: string, extra = ''): string =>
  thingConfig(
    storePath,
    `  name   = "alpha"
  size   = 0.1
  secret = "${SECRET}"
  tags   = { env = "test" }
${extra}
  rule {
    port     = 443
    protocol = "tcp"
  }`,
  );

function store(ws: Workspace): Record<string, Record<string, unknown>> {
  return existsSync(ws.storePath) ? (JSON.parse(readFileSync(ws.storePath, 'utf8')) as Record<string, Record<string, unknown>>) : {};
}

function all(result: RunResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

it('has at least one Terraform-compatible engine to test with', () => {
  expect(engines.map((e) => e.name), `unavailable: ${JSON.stringify(unavailable)}`).not.toHaveLength(0);
});

for (const missing of unavailable) {
  it.skip(`${missing.name} end to end — unavailable: ${missing.reason}`, () => undefined);
}

describe.each(engines)('protocol end to end with $name $version', (engine: Engine) => {
  let prepared: PreparedProvider;
  let ws: Workspace;
  const outputs: string[] = [];
  const run = async (args: readonly string[]): Promise<RunResult> => {
    const result = await ws.run(args);
    outputs.push(all(result));
    return result;
  };

  beforeAll(async () => {
    prepared = await prepareTestProvider();
    ws = createWorkspace(prepared, engine);
  });
  afterAll(() => {
    rmSync(prepared.root, { recursive: true, force: true });
  });

  it('init installs the provider from the filesystem mirror, without a registry', async () => {
    ws.write(valid(ws.storePath));
    const result = await run(['init', '-input=false']);
    expect(result.code, all(result)).toBe(0);
    expect(result.stdout).toMatch(/Installed storefront-token\/sftoken v0\.1\.0/);
  });

  it('providers schema -json describes the resource (what CDKTF generation reads)', async () => {
    const result = await run(['providers', 'schema', '-json']);
    expect(result.code, all(result)).toBe(0);
    type Attr = { type: unknown; sensitive?: boolean; computed?: boolean; description_kind?: string };
    const json = JSON.parse(result.stdout) as {
      provider_schemas: Record<string, { resource_schemas: Record<string, { block: { attributes: Record<string, Attr>; block_types: Record<string, { nesting_mode: string }> } }> }>;
    };
    const [address] = Object.keys(json.provider_schemas);
    // Each engine expands the short source with its own default registry host.
    expect(address).toBe(engine.name === 'tofu' ? 'registry.opentofu.org/storefront-token/sftoken' : 'registry.terraform.io/storefront-token/sftoken');
    const block = json.provider_schemas[address ?? '']?.resource_schemas.sftoken_test_thing?.block;
    expect(block?.attributes.token).toMatchObject({ type: 'string', sensitive: true, computed: true, description_kind: 'markdown' });
    expect(block?.attributes.tags?.type).toStrictEqual(['map', 'string']);
    expect(block?.block_types.rule?.nesting_mode).toBe('list');
  });

  it('validate reports resource diagnostics at the attribute path they name', async () => {
    ws.write(thingConfig(ws.storePath, '  name = "alpha"\n  size = -1\n  rule {\n    port = 70000\n  }'));
    const result = await run(['validate', '-json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { diagnostics: { summary: string; snippet?: { code: string } }[] };
    const bySummary = new Map(report.diagnostics.map((d) => [d.summary, d.snippet?.code ?? '']));
    expect(bySummary.get('Invalid Size')).toMatch(/size = -1/);
    expect(bySummary.get('Invalid Port')).toMatch(/port = 70000/);
  });

  it('plan shows unknown computed values as known after apply and redacts sensitive ones', async () => {
    ws.write(valid(ws.storePath));
    const result = await run(['plan']);
    expect(result.code, all(result)).toBe(0);
    expect(result.stdout).toMatch(/\+ id\s+= \(known after apply\)/);
    expect(result.stdout).toMatch(/\+ secret\s+= \(sensitive value\)/);
    expect(result.stdout).toMatch(/\+ token\s+= \(sensitive value\)/);
    expect(result.stdout).toMatch(/\+ size\s+= 0\.1/);
    expect(result.stdout).toMatch(/1 to add, 0 to change, 0 to destroy/);
    // Three provider processes per plan: without GRPCController.Shutdown each costs 2 s more.
    expect(result.ms).toBeLessThan(5000);
  });

  it('apply creates the thing, and a second plan finds no changes (state round-trips)', async () => {
    const applied = await run(['apply', '-auto-approve']);
    expect(applied.code, all(applied)).toBe(0);
    expect(Object.keys(store(ws))).toHaveLength(1);
    const again = await run(['plan', '-detailed-exitcode']);
    expect(again.code, all(again)).toBe(0);
  });

  it('an in-place update keeps the stable id and recomputes the rest', async () => {
    ws.write(valid(ws.storePath).replace('size   = 0.1', 'size   = 2'));
    const plan = await run(['plan']);
    expect(plan.stdout).toMatch(/will be updated in-place/);
    expect(plan.stdout).toMatch(/~ revision\s+= 1 -> \(known after apply\)/);
    const applied = await run(['apply', '-auto-approve']);
    expect(applied.code, all(applied)).toBe(0);
    const [thing] = Object.values(store(ws));
    expect(thing?.revision).toBe(2);
  });

  it('a requires-replace change plans a replacement', async () => {
    ws.write(valid(ws.storePath).replace('size   = 0.1', 'size   = 2').replace('"alpha"', '"beta"'));
    const plan = await run(['plan']);
    expect(plan.stdout).toMatch(/must be replaced/);
    expect(plan.stdout).toMatch(/# forces replacement/);
    const before = Object.keys(store(ws));
    const applied = await run(['apply', '-auto-approve']);
    expect(applied.code, all(applied)).toBe(0);
    const after = Object.keys(store(ws));
    expect(after).toHaveLength(1);
    expect(after).not.toStrictEqual(before);
  });

  it('import adopts an existing thing by id, and read completes its state', async () => {
    const [id] = Object.keys(store(ws));
    expect(id).toBeDefined();
    const removed = await run(['state', 'rm', 'sftoken_test_thing.a']);
    expect(removed.code, all(removed)).toBe(0);
    const imported = await run(['import', 'sftoken_test_thing.a', id ?? '']);
    expect(imported.code, all(imported)).toBe(0);
    expect(imported.stdout).toMatch(/Import successful/);
    const plan = await run(['plan', '-detailed-exitcode']);
    expect(plan.code, all(plan)).toBe(0);
  });

  it('import of a missing id reports the provider diagnostic', async () => {
    await run(['state', 'rm', 'sftoken_test_thing.a']);
    const imported = await run(['import', 'sftoken_test_thing.a', 'thing-missing']);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/Thing Not Found/);
    const [id] = Object.keys(store(ws));
    await run(['import', 'sftoken_test_thing.a', id ?? '']);
  });

  it('destroy deletes the thing', async () => {
    const result = await run(['destroy', '-auto-approve']);
    expect(result.code, all(result)).toBe(0);
    expect(store(ws)).toStrictEqual({});
  });

  it('Ctrl-C during a slow apply reaches the resource through StopProvider', async () => {
    ws.write(valid(ws.storePath, '  delay_ms = 60000'));
    let interrupted = false;
    const result = await ws.run(['apply', '-auto-approve'], (stdout, child) => {
      if (!interrupted && stdout.includes('Creating...')) {
        interrupted = true;
        setTimeout(() => {
          child.kill('SIGINT');
        }, 300);
      }
    });
    outputs.push(all(result));
    expect(interrupted).toBe(true);
    expect(result.code).not.toBe(0);
    expect(all(result)).toMatch(/Operation Cancelled/);
    expect(result.ms).toBeLessThan(20_000);
    expect(store(ws)).toStrictEqual({});
  });

  it('never prints the secret input or the generated token', () => {
    const text = outputs.join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/tok-[0-9a-f]{16}/);
  });
});
