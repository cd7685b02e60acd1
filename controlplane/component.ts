import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { ControlPlaneError } from './errors.js';
import { guardProcessGroup, releaseProcessGroup } from './watchdog.js';

/** ComponentExit is how a component process ended. */
export interface ComponentExit {
  /** code is the exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** signal is the terminating signal, or null on a normal exit. */
  readonly signal: NodeJS.Signals | null;
}

/** Component is one running control-plane process (etcd, kube-apiserver or kube-controller-manager). */
export interface Component {
  /** name identifies the component in messages. */
  readonly name: string;
  /** pid is also the process group id: each component leads its own group. */
  readonly pid: number;
  /** logPath receives the component's stdout and stderr. */
  readonly logPath: string;
  /** exited settles when the process ends, for whatever reason. */
  readonly exited: Promise<ComponentExit>;
  /** running is false once the process has ended. */
  running(): boolean;
  /** stop sends SIGTERM to the group, then SIGKILL after graceMs, and resolves once it has ended. */
  stop(graceMs: number): Promise<ComponentExit>;
  /** killNow SIGKILLs the group synchronously; for exit hooks, where nothing can be awaited. */
  killNow(): void;
  /** logTail returns the last lines of the log, to explain a failure. */
  logTail(lines: number): string;
}

/** StartComponentOptions describe one process to launch. */
export interface StartComponentOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logPath: string;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

/**
 * startComponent launches a process as the leader of a new process group, so
 * stopping it also stops anything it forked, and registers the group with the
 * watchdog so it cannot outlive this process.
 */
export function startComponent(options: StartComponentOptions): Component {
  const log = openSync(options.logPath, 'a');
  let child;
  try {
    child = spawn(options.command, options.args, { detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw new ControlPlaneError('CONTROLPLANE_SPAWN_FAILED', `cannot start ${options.name} (${options.command})`);
  }
  guardProcessGroup(pid);
  let alive = true;
  const exited = new Promise<ComponentExit>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      killGroup(pid, 'SIGKILL');
      releaseProcessGroup(pid);
      resolve({ code, signal });
    });
  });
  child.once('error', () => {
    // 'exit' still follows for a process that started; spawn errors surface as no pid above.
  });
  child.unref();

  const component: Component = {
    name: options.name,
    pid,
    logPath: options.logPath,
    exited,
    running: () => alive,
    async stop(graceMs) {
      if (!alive) return exited;
      killGroup(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([exited, deadline]);
      clearTimeout(timer);
      // alive is flipped by the exit listener while we awaited.
      if (component.running()) killGroup(pid, 'SIGKILL');
      return exited;
    },
    killNow() {
      if (alive) killGroup(pid, 'SIGKILL');
    },
    logTail(lines) {
      try {
        return readFileSync(options.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
  return component;
}
