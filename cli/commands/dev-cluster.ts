import { spawn } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  clearDevClusterState,
  defaultDevClusterStateDir,
  readDevClusterState,
  runSupervisor,
  type DevClusterState,
} from '../../controlplane/index.js';
import { sleep } from '../../controlplane/probe.js';
import type { Command } from './command.js';

const usage = `usage: sftoken dev-cluster <up|down|env> [--state-dir DIR]

  up     start a local etcd + kube-apiserver + kube-controller-manager in the
         background (building them on first use) and print the KUBECONFIG
  env    print the export line for the running dev cluster
  down   stop it and remove its files

  --state-dir DIR   where state, logs and the kubeconfig live
                    (default: \${XDG_STATE_HOME:-~/.local/state}/storefront-token/dev-cluster)
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function exportLine(state: DevClusterState): string {
  return `export KUBECONFIG=${state.kubeconfigPath}\n`;
}

async function running(stateDir: string): Promise<DevClusterState | undefined> {
  const state = await readDevClusterState(stateDir);
  return state !== undefined && alive(state.supervisorPid) ? state : undefined;
}

async function up(stateDir: string): Promise<number> {
  const existing = await running(stateDir);
  if (existing !== undefined) {
    process.stderr.write(`dev cluster already running (${existing.server})\n`);
    process.stdout.write(exportLine(existing));
    return 0;
  }
  await clearDevClusterState(stateDir);
  await mkdir(stateDir, { recursive: true });
  const logPath = join(stateDir, 'supervisor.log');
  const log = await open(logPath, 'w');
  // Re-run this same CLI (source or dist, with the same loader flags) as a
  // detached supervisor that outlives this process.
  const entry = process.argv[1] ?? '';
  const child = spawn(process.execPath, [...process.execArgv, entry, 'dev-cluster', 'supervise', '--state-dir', stateDir], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();
  child.unref();
  process.stderr.write(`starting dev cluster (supervisor pid ${String(child.pid)}, log ${logPath})\n`);
  const started = Date.now();
  let lastNote = started;
  for (;;) {
    const state = await readDevClusterState(stateDir);
    if (state !== undefined) {
      process.stderr.write(`dev cluster ready in ${String(Date.now() - started)} ms at ${state.server}\n`);
      process.stdout.write(exportLine(state));
      return 0;
    }
    if (child.exitCode !== null || (child.pid !== undefined && !alive(child.pid))) {
      process.stderr.write(`dev cluster failed to start; see ${logPath}\n`);
      return 1;
    }
    if (Date.now() - lastNote > 15_000) {
      lastNote = Date.now();
      process.stderr.write(`still starting (${String(Math.round((lastNote - started) / 1000))} s; a first run builds the binaries)\n`);
    }
    await sleep(200);
  }
}

async function down(stateDir: string): Promise<number> {
  const state = await readDevClusterState(stateDir);
  if (state === undefined) {
    process.stderr.write('no dev cluster is running\n');
    return 0;
  }
  if (alive(state.supervisorPid)) process.kill(state.supervisorPid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive(state.supervisorPid) && Date.now() < deadline) await sleep(100);
  // A supervisor that did not finish (or died earlier) leaves components to reap.
  for (const pid of [state.supervisorPid, ...Object.values(state.pids)]) {
    if (!alive(pid)) continue;
    try {
      process.kill(pid === state.supervisorPid ? pid : -pid, 'SIGKILL');
    } catch {
      // Gone between the check and the kill.
    }
  }
  await clearDevClusterState(stateDir);
  await rm(state.dir, { recursive: true, force: true });
  await rm(join(stateDir, 'supervisor.log'), { force: true });
  process.stderr.write('dev cluster stopped\n');
  return 0;
}

/** devClusterCommand is `sftoken dev-cluster`: a local control plane for people, in the background. */
export const devClusterCommand: Command = {
  name: 'dev-cluster',
  summary: 'start, inspect or stop a local Kubernetes control plane (up|down|env)',
  async run(argv) {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    const stateDir = values['state-dir'] ?? defaultDevClusterStateDir();
    const [verb] = positionals;
    if (values.help === true) {
      process.stdout.write(usage);
      return 0;
    }
    switch (verb) {
      case 'up':
        return up(stateDir);
      case 'down':
        return down(stateDir);
      case 'env': {
        const state = await running(stateDir);
        if (state === undefined) {
          process.stderr.write('no dev cluster is running; start one with `sftoken dev-cluster up`\n');
          return 1;
        }
        process.stdout.write(exportLine(state));
        return 0;
      }
      case 'supervise':
        return runSupervisor(stateDir, (line) => {
          process.stdout.write(`${new Date().toISOString()} ${line}\n`);
        });
      default:
        process.stderr.write(usage);
        return 2;
    }
  },
};
