import { copyFile, mkdir } from 'node:fs/promises';
import { clearDevClusterState, devClusterKubeconfigPath, writeDevClusterState } from './dev-cluster-state.js';
import { startControlPlane } from './harness.js';

/**
 * runSupervisor is the long-lived process behind `sftoken dev-cluster up`: it
 * starts a control plane under stateDir, publishes its state, and on SIGTERM
 * or SIGINT stops it and clears the state. It resolves with an exit code.
 */
export async function runSupervisor(stateDir: string, log: (line: string) => void): Promise<number> {
  await mkdir(stateDir, { recursive: true });
  const cp = await startControlPlane({ baseDir: stateDir, onProgress: log });
  const kubeconfigPath = devClusterKubeconfigPath(stateDir);
  await copyFile(cp.kubeconfigPath, kubeconfigPath);
  await writeDevClusterState(stateDir, {
    supervisorPid: process.pid,
    pids: cp.pids,
    kubeconfigPath,
    server: cp.server,
    dir: cp.dir,
    startupMs: cp.startupMs,
  });
  log(`ready: export KUBECONFIG=${kubeconfigPath}`);
  // The interval only keeps the event loop alive until a signal arrives.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  clearInterval(keepAlive);
  log(`${signal}: stopping`);
  await cp.stop();
  await clearDevClusterState(stateDir);
  log('stopped');
  return 0;
}
