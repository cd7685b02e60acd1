import { request } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { ControlPlaneError, startControlPlane, type ControlPlane } from '../../controlplane/index.js';
import type { ControlPlaneLease } from './lease-server.js';

/** TestControlPlane is the shared control plane as a test file sees it. */
export interface TestControlPlane {
  /** kubeconfigPath is an admin (system:masters) kubeconfig. */
  readonly kubeconfigPath: string;
  /** server is the API server URL. */
  readonly server: string;
  /** caFile is the PEM bundle clients must trust. */
  readonly caFile: string;
  /** kubeConfig loads a fresh client-node KubeConfig for the admin user. */
  kubeConfig(): KubeConfig;
}

async function acquire(url: string): Promise<ControlPlaneLease> {
  return new Promise((resolve, reject) => {
    // node:http rather than fetch: a cold build can take many minutes and
    // fetch's default header timeout would cut it off.
    const req = request(`${url}/acquire`, { method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode === 200) {
          resolve(JSON.parse(body) as ControlPlaneLease);
          return;
        }
        reject(new ControlPlaneError('CONTROLPLANE_NOT_READY', `control plane lease failed: ${body}`));
      });
    });
    req.on('error', (err) => {
      reject(new ControlPlaneError('CONTROLPLANE_NOT_READY', 'control plane lease server unreachable', { cause: err }));
    });
    req.end();
  });
}

function fromLease(lease: ControlPlaneLease): TestControlPlane {
  return {
    ...lease,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromFile(lease.kubeconfigPath);
      return kc;
    },
  };
}

let local: Promise<ControlPlane> | undefined;

/**
 * useControlPlane returns the run's shared control plane, starting it on first
 * use. Call it from beforeAll with a generous timeout (a cold cache builds the
 * binaries first). Without the globalSetup (a file run under another config)
 * it falls back to one control plane per worker, reaped when the worker exits.
 */
export async function useControlPlane(): Promise<TestControlPlane> {
  const url = inject('sftokenControlPlaneLease') as string | undefined;
  if (url !== undefined) return fromLease(await acquire(url));
  local ??= startControlPlane({ onProgress: (line) => process.stderr.write(`[controlplane] ${line}\n`) });
  const cp = await local;
  return fromLease({ kubeconfigPath: cp.kubeconfigPath, server: cp.server, caFile: cp.caFile });
}
