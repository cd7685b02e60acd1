import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlPlaneError } from './errors.js';

/** ControlPlaneBinaries are absolute paths to the three executables the harness runs. */
export interface ControlPlaneBinaries {
  /** dir holds all three binaries. */
  readonly dir: string;
  /** etcd is the etcd server built from the Go module (3.6, the version Kubernetes 1.34 pins). */
  readonly etcd: string;
  /** kubeApiserver is upstream kube-apiserver. */
  readonly kubeApiserver: string;
  /** kubeControllerManager is upstream kube-controller-manager. */
  readonly kubeControllerManager: string;
}

/** BinDirEnv lets a caller point at prebuilt binaries and skip the build script entirely. */
export const BinDirEnv = 'SFTOKEN_CONTROLPLANE_BIN_DIR';

/** EnsureBinariesOptions tune where progress goes and which repository's build script runs. */
export interface EnsureBinariesOptions {
  /** onProgress receives the build script's progress lines (default: process.stderr). */
  readonly onProgress?: (line: string) => void;
  /** repoRoot is the repository holding scripts/controlplane-build.sh (default: found from this file). */
  readonly repoRoot?: string;
}

// This file is controlplane/build.ts in the source tree and
// dist/controlplane/build.js when compiled, so the root is two or three levels up.
function defaultRepoRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes('/dist/') ? join(here, '..', '..') : join(here, '..');
}

function binariesIn(dir: string): ControlPlaneBinaries {
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
  };
}

/**
 * ensureControlPlaneBinaries builds (or reuses from the cache) the control
 * plane binaries and returns their paths; with a warm cache it costs one
 * short shell run.
 */
export async function ensureControlPlaneBinaries(options: EnsureBinariesOptions = {}): Promise<ControlPlaneBinaries> {
  const override = process.env[BinDirEnv];
  if (override !== undefined && override !== '') {
    const bins = binariesIn(override);
    for (const path of [bins.etcd, bins.kubeApiserver, bins.kubeControllerManager]) {
      try {
        await access(path, constants.X_OK);
      } catch (err) {
        throw new ControlPlaneError('CONTROLPLANE_BUILD_FAILED', `${BinDirEnv}=${override} lacks an executable ${path}`, { cause: err });
      }
    }
    return bins;
  }
  const script = join(options.repoRoot ?? defaultRepoRoot(), 'scripts', 'controlplane-build.sh');
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) progress(line);
    });
    child.once('error', (err) => {
      reject(new ControlPlaneError('CONTROLPLANE_BUILD_FAILED', `cannot run ${script}`, { cause: err }));
    });
    child.once('close', (code) => {
      if (pending !== '') progress(pending);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last !== '') resolve(last);
      else reject(new ControlPlaneError('CONTROLPLANE_BUILD_FAILED', `${script} exited with ${String(code)}`));
    });
  });
  return binariesIn(dir);
}
