import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** HealthOptions say what the probes report. */
export interface HealthOptions {
  /** host to bind; loopback unless deployed (the Deployment passes 0.0.0.0 inside the pod). */
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** live is false once the process should be restarted. */
  readonly live: () => boolean;
  /** ready is true when the replica can do its job: caches synced as leader, or standing by. */
  readonly ready: () => boolean;
}

/** HealthServer serves /healthz, /readyz and /metrics. */
export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

/** startHealthServer starts the probe and metrics endpoint. */
export async function startHealthServer(options: HealthOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? options.live() : options.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    }),
  };
}
