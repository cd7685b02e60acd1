import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProvider } from '../../provider/tooling/build.js';
import type { BuiltProvider } from '../../provider/tooling/build.js';
import { installProvider } from '../../provider/tooling/install.js';
import type { InstalledProvider } from '../../provider/tooling/install.js';
import type { Engine } from '../../provider/tooling/engines.js';

/** TEST_PROVIDER_ENTRY is the test-only provider main, bundled into its own executable. */
export const TEST_PROVIDER_ENTRY = fileURLToPath(new URL('./fixtures/test-provider-main.ts', import.meta.url));

/** PreparedProvider is the test provider built and installed into a temp mirror. */
export interface PreparedProvider {
  /** root is the temp dir holding the build, the mirror and the CLI config. */
  readonly root: string;
  /** built is the bundle and launcher. */
  readonly built: BuiltProvider;
  /** installed is the mirror and CLI config. */
  readonly installed: InstalledProvider;
}

/** prepareTestProvider bundles the test provider and installs it like a user would get it. */
export async function prepareTestProvider(): Promise<PreparedProvider> {
  const root = mkdtempSync(join(tmpdir(), 'sftoken-e2e-'));
  const built = await buildProvider({ entry: TEST_PROVIDER_ENTRY, outDir: join(root, 'build') });
  const installed = installProvider({ built, root: join(root, 'install') });
  return { root, built, installed };
}

/** RunResult is an engine command's outcome. */
export interface RunResult {
  /** code is the exit code (null when killed). */
  readonly code: number | null;
  /** stdout of the command. */
  readonly stdout: string;
  /** stderr of the command. */
  readonly stderr: string;
  /** ms is the wall-clock duration. */
  readonly ms: number;
}

/** RunOptions shape one command run by runCommand. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** onStart sees the child as soon as it is spawned (to kill it mid-run). */
  readonly onStart?: (child: ChildProcess) => void;
  /** onOutput sees the whole stdout so far each time more arrives. */
  readonly onOutput?: (stdout: string, child: ChildProcess) => void;
}

/** runCommand runs a command to its end, capturing stdout, stderr, exit code and wall time. */
export function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    options.onStart?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onOutput?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Workspace is a temp root module driven by one engine. */
export interface Workspace {
  /** dir is the root module directory. */
  readonly dir: string;
  /** storePath is the test provider's JSON store. */
  readonly storePath: string;
  /** write replaces main.tf. */
  write(hcl: string): void;
  /** run runs the engine with args; `onOutput` sees stdout as it arrives. */
  run(args: readonly string[], onOutput?: (text: string, child: { kill(signal: NodeJS.Signals): void }) => void): Promise<RunResult>;
}

/** createWorkspace makes a root module for an engine with only our CLI config in effect. */
export function createWorkspace(prepared: PreparedProvider, engine: Engine): Workspace {
  const dir = join(prepared.root, `ws-${engine.name}`);
  mkdirSync(dir, { recursive: true });
  const storePath = join(dir, 'store.json');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    TF_CLI_CONFIG_FILE: prepared.installed.cliConfigPath,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_INPUT: '0',
  };
  return {
    dir,
    storePath,
    write(hcl) {
      writeFileSync(join(dir, 'main.tf'), hcl);
    },
    run(args, onOutput) {
      return runCommand(engine.binary, [...args, '-no-color'], { cwd: dir, env, ...(onOutput === undefined ? {} : { onOutput }) });
    },
  };
}

/** thingConfig renders the root module with one test thing. */
export function thingConfig(storePath: string, body: string): string {
  return `terraform {
  required_providers {
    sftoken = { source = "storefront-token/sftoken", version = "0.1.0" }
  }
}

provider "sftoken" {
  store_path = ${JSON.stringify(storePath)}
}

resource "sftoken_test_thing" "a" {
${body}
}
`;
}
