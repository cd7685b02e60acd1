import { readFile, rm, writeFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ControlPlaneError } from './errors.js';

/** DevClusterState is what `sftoken dev-cluster up` leaves behind for `env` and `down`. */
export const DevClusterState = z.object({
  supervisorPid: z.number().int().positive(),
  pids: z.object({
    etcd: z.number().int().positive(),
    kubeApiserver: z.number().int().positive(),
    kubeControllerManager: z.number().int().positive(),
  }),
  kubeconfigPath: z.string(),
  server: z.string(),
  dir: z.string(),
  startupMs: z.number(),
});

/** DevClusterState is the parsed state file. */
export type DevClusterState = z.infer<typeof DevClusterState>;

const stateFile = 'state.json';

/** defaultDevClusterStateDir follows the XDG base-directory convention for state. */
export function defaultDevClusterStateDir(): string {
  const base = process.env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state');
  return join(base, 'storefront-token', 'dev-cluster');
}

/** readDevClusterState returns the recorded state, or undefined when no dev cluster was started. */
export async function readDevClusterState(dir: string): Promise<DevClusterState | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, stateFile), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = DevClusterState.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ControlPlaneError('CONTROLPLANE_STATE_INVALID', `${join(dir, stateFile)} is not a dev-cluster state file`, { cause: parsed.error });
  }
  return parsed.data;
}

/** writeDevClusterState replaces the state file atomically, so readers never see half of it. */
export async function writeDevClusterState(dir: string, state: DevClusterState): Promise<void> {
  const tmp = join(dir, `.${stateFile}.${String(process.pid)}`);
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, join(dir, stateFile));
}

/** clearDevClusterState removes the state file and the stable kubeconfig copy. */
export async function clearDevClusterState(dir: string): Promise<void> {
  await rm(join(dir, stateFile), { force: true });
  await rm(join(dir, 'kubeconfig'), { force: true });
}

/** devClusterKubeconfigPath is the stable kubeconfig location users export; it survives restarts of the cluster. */
export function devClusterKubeconfigPath(dir: string): string {
  return join(dir, 'kubeconfig');
}
