import { request } from 'node:https';

/** ProbeTarget is one HTTPS endpoint polled during start-up. */
export interface ProbeTarget {
  readonly url: string;
  /** ca pins the server's CA; without it the probe skips verification (loopback liveness probes only). */
  readonly ca?: string;
  /** token is sent as a bearer token when present. */
  readonly token?: string;
}

/** probeStatus performs one GET and resolves to the HTTP status, or 0 when the connection fails. */
export async function probeStatus(target: ProbeTarget, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = target.token === undefined ? {} : { authorization: `Bearer ${target.token}` };
    const req = request(
      target.url,
      {
        method: 'GET',
        headers,
        timeout: timeoutMs,
        ...(target.ca === undefined ? { rejectUnauthorized: false } : { ca: target.ca }),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolve(0);
    });
    req.end();
  });
}

/** sleep resolves after ms milliseconds. */
export async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
