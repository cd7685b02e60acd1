import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startControlPlane, type ControlPlane, type StartControlPlaneOptions } from '../../controlplane/index.js';

/** ControlPlaneLease is what a test worker learns about the shared control plane. */
export interface ControlPlaneLease {
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly caFile: string;
}

/** LeaseServer hands out one lazily started control plane to every test worker of a run. */
export interface LeaseServer {
  /** url is where workers POST /acquire. */
  readonly url: string;
  /** started tells whether any worker asked for the control plane. */
  started(): boolean;
  /** close stops the control plane (if started) and the server. */
  close(): Promise<void>;
}

/**
 * startLeaseServer listens on loopback and starts the control plane on the
 * first POST /acquire only, so a run whose test files never ask for it pays
 * for nothing but this idle socket.
 */
export async function startLeaseServer(
  start: (options: StartControlPlaneOptions) => Promise<ControlPlane> = startControlPlane,
): Promise<LeaseServer> {
  let plane: Promise<ControlPlane> | undefined;
  const acquire = (): Promise<ControlPlane> => {
    plane ??= start({ onProgress: (line) => process.stderr.write(`[controlplane] ${line}\n`) });
    return plane;
  };
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    if (req.method !== 'POST' || req.url !== '/acquire') {
      res.writeHead(404).end();
      return;
    }
    acquire().then(
      (cp) => {
        const lease: ControlPlaneLease = { kubeconfigPath: cp.kubeconfigPath, server: cp.server, caFile: cp.caFile };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(lease));
      },
      (err: unknown) => {
        const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'UNKNOWN';
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message: String(err) }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    started: () => plane !== undefined,
    async close() {
      await new Promise<void>((resolve) => server.close(() => {
        resolve();
      }));
      if (plane !== undefined) await (await plane.catch(() => undefined))?.stop();
    },
  };
}
