// Generates the CDK bindings from the provider's own `providers schema -json`,
// once for each CDK line, from the same schema:
//   bindings/cdktf/  @cdktf/provider-generator 0.21 (CDKTF, archived December 2025)
//   bindings/cdktn/  @cdktn/provider-generator 0.24 (CDK Terrain, its community continuation)
//
//   npx tsx scripts/generate-bindings.ts           write both
//   npx tsx scripts/generate-bindings.ts --check   fail (exit 1) when either drifted
//
// Steps: bundle and install the provider into a temp filesystem mirror, run
// `init` and `providers schema -json` with terraform (or tofu), normalise the
// provider address so both engines give the same output, generate with each
// generator, add a "generated; do not edit" header and an index.ts that
// re-exports every construct. Both generators, and the jsii/jsii-pacmak they
// load, are devDependencies (installed by `npm ci`).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ADDRESS = 'registry.terraform.io/storefront-token/sftoken';
const SOURCE = 'storefront-token/sftoken';

/** ProviderSchemas is the part of `providers schema -json` the generators read. */
type ProviderSchemas = { format_version: string; provider_schemas: Record<string, Record<string, unknown>> };

/** A Line is one CDK line: its generator package and where its bindings go (bindings/<name>). */
interface Line {
  readonly name: 'cdktf' | 'cdktn';
  readonly generator: string;
}

// Both read the same schema unchanged. cdktf 0.21 predates ephemeral
// resources: it skips `ephemeral_resource_schemas` without error, so only
// bindings/cdktn has EphemeralSftokenTokenValue.
const LINES: readonly Line[] = [
  { name: 'cdktf', generator: '@cdktf/provider-generator' },
  { name: 'cdktn', generator: '@cdktn/provider-generator' },
];

function log(line: string): void {
  process.stderr.write(`[generate-bindings] ${line}\n`);
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

async function providerSchemaJson(): Promise<ProviderSchemas> {
  const { buildProvider } = await import('../provider/tooling/build.js');
  const { installProvider } = await import('../provider/tooling/install.js');
  const { resolveEngines } = await import('../provider/tooling/engines.js');
  const root = mkdtempSync(join(tmpdir(), 'sftoken-bindings-'));
  try {
    const built = await buildProvider({ outDir: join(root, 'build') });
    const installed = installProvider({ built, root: join(root, 'install') });
    // One engine is enough; build OpenTofu (minutes) only when no engine is at hand.
    const { engines, unavailable } = await resolveEngines({ buildOpenTofu: false }).then(async (found) => (found.engines.length > 0 ? found : resolveEngines()));
    const engine = engines[0];
    if (engine === undefined) throw new Error(`no terraform or tofu available: ${JSON.stringify(unavailable)}`);
    const work = join(root, 'module');
    mkdirSync(work);
    writeFileSync(join(work, 'main.tf'), `terraform {\n  required_providers {\n    sftoken = { source = "storefront-token/sftoken", version = "${installed.version}" }\n  }\n}\n`);
    const env = { ...process.env, ...installed.env, HOME: work, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    execFileSync(engine.binary, ['init', '-input=false', '-no-color'], { cwd: work, env, stdio: ['ignore', 'ignore', 'inherit'] });
    const text = execFileSync(engine.binary, ['providers', 'schema', '-json'], { cwd: work, env, maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
    log(`schema from ${engine.name} ${engine.version}`);
    const json = JSON.parse(text) as ProviderSchemas;
    // Each engine names the provider with its own default registry host; one name keeps the output engine-independent.
    const [schema] = Object.values(json.provider_schemas);
    if (schema === undefined) throw new Error('providers schema -json named no provider');
    return { ...json, provider_schemas: { [ADDRESS]: schema } };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function collect(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? collect(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)]));
}

/** The generator API used here; the same in both lines. */
interface GeneratorModule {
  CodeMaker: new () => { save(dir: string): Promise<void> };
  TerraformProviderGenerator: new (code: unknown, schema: unknown) => { generate(target: unknown): void };
}
interface CommonsModule {
  TerraformProviderConstraint: new (constraint: string) => unknown;
  ConstructsMakerProviderTarget: new (constraint: unknown, language: string) => unknown;
}

/**
 * generate returns one line's files by name, ready to write under
 * bindings/<line>. It runs the generator as `cdktf get` / `cdktn get` would
 * for `storefront-token/sftoken@<constraint>`: the constructs then carry the
 * version constraint, which the CLIs require in required_providers (the
 * schema-only entry point, generateProviderBindingsFromSchema, leaves it out
 * and `deploy` fails).
 */
async function generate(line: Line, schema: ProviderSchemas, constraint: string): Promise<Map<string, string>> {
  const version = packageVersion(line.generator);
  const header = `// @ts-nocheck -- generated code, compiled as the generator wrote it\n// Generated by scripts/generate-bindings.ts from \`providers schema -json\` with ${line.generator} ${version}. DO NOT EDIT.\n`;
  // Both packages are CommonJS without an ESM entry; createRequire loads them as Node would, and each line's commons beside its generator.
  const generator = require(line.generator) as GeneratorModule;
  const commons = createRequire(require.resolve(line.generator))(line.generator.replace('provider-generator', 'commons')) as CommonsModule;
  const target = mkdtempSync(join(tmpdir(), `sftoken-bindings-${line.name}-`));
  try {
    const code = new generator.CodeMaker();
    new generator.TerraformProviderGenerator(code, schema).generate(new commons.ConstructsMakerProviderTarget(new commons.TerraformProviderConstraint(`${SOURCE}@${constraint}`), 'typescript'));
    await code.save(target);
    const files = new Map<string, string>();
    for (const rel of collect(target).sort()) {
      // providers/sftoken/<construct>/index.ts → <construct>.generated.ts
      const match = /(?:^|\/)sftoken\/([^/]+)\/index\.ts$/.exec(rel);
      if (match?.[1] === undefined) continue;
      files.set(`${match[1]}.generated.ts`, header + readFileSync(join(target, rel), 'utf8'));
    }
    if (files.size === 0) throw new Error(`${line.generator} wrote no construct files: ${collect(target).join(', ')}`);
    const exports = [...files.keys()].map((name) => `export * from './${name.replace(/\.ts$/, '.js')}';\n`).join('');
    files.set('index.ts', `// Generated by scripts/generate-bindings.ts: every ${line.name} construct for the sftoken provider. DO NOT EDIT.\n${exports}`);
    return files;
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
}

/** sync writes (or, with check, compares) one line's files and returns the names that differ. */
function sync(outDir: string, files: ReadonlyMap<string, string>, check: boolean): string[] {
  const existing = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.ts')) : [];
  const drifted = [...files].filter(([name, text]) => !existsSync(join(outDir, name)) || readFileSync(join(outDir, name), 'utf8') !== text).map(([name]) => name);
  const stale = existing.filter((name) => !files.has(name));
  if (!check) {
    mkdirSync(outDir, { recursive: true });
    for (const name of stale) rmSync(join(outDir, name));
    for (const name of drifted) writeFileSync(join(outDir, name), files.get(name) ?? '');
  }
  return [...drifted, ...stale];
}

const check = process.argv.includes('--check');
const schema = await providerSchemaJson();
// The constraint the constructs declare: this release line (~> major.minor of package.json's version).
const [major, minor] = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version.split('.');
const constraint = `~> ${major ?? '0'}.${minor ?? '0'}`;
// @cdktf/commons and @cdktn/commons run `terraform version` on import; an empty CLI config keeps it quiet.
process.env['TF_CLI_CONFIG_FILE'] = '/dev/null';
let drift: string[] = [];
for (const line of LINES) {
  const rel = join('bindings', line.name);
  const changed = sync(join(repo, rel), await generate(line, schema, constraint), check).map((name) => join(rel, name));
  if (!check) log(changed.length === 0 ? `${rel} unchanged` : `wrote ${changed.join(', ')}`);
  drift = [...drift, ...changed];
}
if (check) {
  if (drift.length > 0) {
    log(`bindings drifted: ${drift.join(', ')}; run npm run generate:bindings`);
    process.exit(1);
  }
  log('bindings are up to date');
}
