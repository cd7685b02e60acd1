import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawn } from 'node:child_process';

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL('../../scripts/opentofu-build.sh', import.meta.url));

/** EngineName is the CLI that drives the provider. */
export type EngineName = 'terraform' | 'tofu';

/** Engine is one runnable Terraform-compatible CLI. */
export interface Engine {
  /** name of the CLI. */
  readonly name: EngineName;
  /** binary is the absolute path of the executable. */
  readonly binary: string;
  /** version as the binary reports it, e.g. "1.11.4". */
  readonly version: string;
}

/** UnavailableEngine records why an engine could not be had, so tests can say so. */
export interface UnavailableEngine {
  /** name of the CLI. */
  readonly name: EngineName;
  /** reason it is missing, for the test report. */
  readonly reason: string;
}

/** ResolveOptions tunes where engines come from. */
export interface ResolveOptions {
  /** env to read PATH, TERRAFORM_BINARY, TOFU_BINARY, OPENTOFU_VERSION from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** buildOpenTofu builds OpenTofu from the Go module proxy when it is not cached (minutes). @default true unless SFTOKEN_NO_OPENTOFU_BUILD=1 */
  readonly buildOpenTofu?: boolean;
  /** progress receives build output lines. @default stderr */
  readonly progress?: (line: string) => void;
}

/**
 * resolveEngines finds Terraform on PATH (or TERRAFORM_BINARY) and OpenTofu
 * on PATH, TOFU_BINARY, the version-keyed build cache, or by building it with
 * scripts/opentofu-build.sh. Every engine not found comes with its reason.
 */
export async function resolveEngines(
  options: ResolveOptions = {},
): Promise<{ engines: Engine[]; unavailable: UnavailableEngine[] }> {
  const env = options.env ?? process.env;
  const engines: Engine[] = [];
  const unavailable: UnavailableEngine[] = [];
  const terraform = env.TERRAFORM_BINARY ?? findOnPath('terraform', env);
  if (terraform === undefined) unavailable.push({ name: 'terraform', reason: 'terraform is not on PATH and TERRAFORM_BINARY is unset' });
  else engines.push({ name: 'terraform', binary: terraform, version: await engineVersion(terraform) });

  let tofu = env.TOFU_BINARY ?? findOnPath('tofu', env);
  if (tofu === undefined) {
    const wantBuild = options.buildOpenTofu ?? env.SFTOKEN_NO_OPENTOFU_BUILD !== '1';
    const built = await buildOpenTofu(env, wantBuild, options.progress ?? ((line) => process.stderr.write(`${line}\n`)));
    if ('reason' in built) unavailable.push({ name: 'tofu', reason: built.reason });
    else tofu = built.binary;
  }
  if (tofu !== undefined) engines.push({ name: 'tofu', binary: tofu, version: await engineVersion(tofu) });
  return { engines, unavailable };
}

/** availableEngines lists the engines that can run end-to-end tests on this machine. */
export async function availableEngines(options: ResolveOptions = {}): Promise<Engine[]> {
  return (await resolveEngines(options)).engines;
}

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

async function engineVersion(binary: string): Promise<string> {
  const { stdout } = await run(binary, ['version', '-json'], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
  const parsed = JSON.parse(stdout) as { terraform_version?: string };
  return parsed.terraform_version ?? 'unknown';
}

async function buildOpenTofu(
  env: NodeJS.ProcessEnv,
  allowed: boolean,
  progress: (line: string) => void,
): Promise<{ binary: string } | { reason: string }> {
  if (!existsSync(buildScript)) return { reason: `build script missing: ${buildScript}` };
  if (!allowed) {
    // Ask the script only whether a cached build exists (it exits fast then).
    const cached = await runBuildScript({ ...env, GOFLAGS: env.GOFLAGS ?? '', SFTOKEN_OPENTOFU_CACHED_ONLY: '1' }, progress);
    return 'binary' in cached ? cached : { reason: 'OpenTofu is not cached and building it is disabled (SFTOKEN_NO_OPENTOFU_BUILD=1)' };
  }
  return runBuildScript(env, progress);
}

function runBuildScript(env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<{ binary: string } | { reason: string }> {
  return new Promise((resolveResult) => {
    // An absolute shell keeps working when the caller's PATH is minimal.
    const child = spawn(existsSync('/bin/bash') ? '/bin/bash' : 'bash', [buildScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        if (line.startsWith('[opentofu-build]')) progress(line);
        tail = [...tail.slice(-19), line];
      }
    });
    child.on('error', (error) => {
      resolveResult({ reason: `cannot run ${buildScript}: ${error.message}` });
    });
    child.on('close', (code) => {
      const binary = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && binary !== '' && existsSync(binary)) resolveResult({ binary });
      else resolveResult({ reason: `scripts/opentofu-build.sh exited ${String(code)}: ${tail.join(' | ')}` });
    });
  });
}

/** FEATURE_MINIMUM is the first release of each engine with a protocol feature the provider uses. */
export const FEATURE_MINIMUM = {
  /** ephemeral resources: Terraform 1.10 (protocol 6.7), OpenTofu 1.11. */
  ephemeralResources: { label: 'ephemeral resources', terraform: '1.10.0', tofu: '1.11.0' },
} as const satisfies Record<string, Record<EngineName | 'label', string>>;

/** EngineFeature is a protocol feature whose support depends on the engine's release. */
export type EngineFeature = keyof typeof FEATURE_MINIMUM;

/**
 * missingFeature says why an engine cannot run a feature (its release is
 * older than the first with it), or undefined when it can. Versions compare
 * by their numeric major.minor.patch; a pre-release counts as its release.
 */
export function missingFeature(engine: Engine, feature: EngineFeature): string | undefined {
  const { label, [engine.name]: minimum } = FEATURE_MINIMUM[feature];
  const parse = (v: string): number[] => (/^(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1).map(Number);
  const have = parse(engine.version);
  const want = parse(minimum);
  if (have.length !== 3) return `${engine.name} reports version "${engine.version}", not a release number`;
  const older = have.findIndex((n, i) => n !== want[i]);
  if (older === -1 || (have[older] ?? 0) > (want[older] ?? 0)) return undefined;
  return `${engine.name} ${engine.version} has no ${label} (needs ${minimum} or later)`;
}
