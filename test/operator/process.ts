import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleOperator } from '../../operator/tooling/bundle.js';
import { repoRoot } from './world.js';

/** OperatorProcess is `sftoken operator` running as a child process, killable with SIGKILL. */
export interface OperatorProcess {
  readonly child: ChildProcess;
  /** lines holds every stdout line (JSON logs). */
  readonly lines: string[];
  /** exited resolves with the signal (or exit code) the process ended with. */
  readonly exited: Promise<string>;
  /** synced resolves once its caches are synced (it is reconciling). */
  readonly synced: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<string>;
}

let bundled: Promise<string> | undefined;

/**
 * operatorBundle is the image's operator bundle (operator/tooling/entry.ts),
 * built once per test worker from the sources. It is the file the image
 * runs, and it starts in about 0.2 s where the CLI on tsx takes about 2 s of
 * CPU: the crash tests start an operator several times a case.
 */
function operatorBundle(): Promise<string> {
  bundled ??= bundleOperator(mkdtempSync(join(tmpdir(), 'sftoken-operator-'))).then((b) => b.bundlePath);
  return bundled;
}

/** spawnOperator starts the operator as the image does (`sftoken operator`), limited to one namespace. */
export async function spawnOperator(kubeconfigPath: string, namespace: string, env: Record<string, string> = {}): Promise<OperatorProcess> {
  const child = spawn(process.execPath, [await operatorBundle(), 'operator',
    '--kubeconfig', kubeconfigPath, '--namespace', namespace, '--watch-namespace', namespace,
    '--no-leader-elect', '--health-addr', '127.0.0.1:0', '--log-level', 'debug'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let onSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (onSynced = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    if (line.includes('caches synced')) onSynced();
  });
  createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(signal ?? `exit ${String(code)}`);
    });
  });
  return {
    child,
    lines,
    exited,
    synced,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
