import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../controlplane/index.js';
import { startLeaseServer } from './lease-server.js';

// A fake control plane that records how often it was started and stopped.
function fakeStarter() {
  const calls = { starts: 0, stops: 0 };
  const start = (): Promise<ControlPlane> => {
    calls.starts++;
    return Promise.resolve({
      dir: '/nonexistent',
      kubeconfigPath: '/nonexistent/kubeconfig',
      server: 'https://127.0.0.1:1',
      caFile: '/nonexistent/ca.crt',
      pids: { etcd: 0, kubeApiserver: 0, kubeControllerManager: 0 },
      startupMs: 0,
      kubeConfig: () => {
        throw new Error('not used');
      },
      stop: () => {
        calls.stops++;
        return Promise.resolve();
      },
    });
  };
  return { calls, start };
}

async function post(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const cases = [
  { acquires: 0, starts: 0, stops: 0, reason: 'a run that never asks pays for no control plane' },
  { acquires: 1, starts: 1, stops: 1, reason: 'the first lease starts it and teardown stops it' },
  { acquires: 4, starts: 1, stops: 1, reason: 'concurrent leases from several test files share one control plane' },
] as const;

describe('lease server', () => {
  it.each(cases)('$acquires acquires -> $starts starts ($reason)', async ({ acquires, starts, stops }) => {
    const fake = fakeStarter();
    const server = await startLeaseServer(fake.start);
    const responses = await Promise.all(Array.from({ length: acquires }, () => post(`${server.url}/acquire`)));
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ kubeconfigPath: '/nonexistent/kubeconfig', server: 'https://127.0.0.1:1', caFile: '/nonexistent/ca.crt' });
    }
    expect(server.started()).toBe(acquires > 0);
    await server.close();
    expect(fake.calls).toEqual({ starts, stops });
  });

  it('reports a failed start as a 500 with the error code', async () => {
    const server = await startLeaseServer(() => Promise.reject(Object.assign(new Error('boom'), { code: 'CONTROLPLANE_NOT_READY' })));
    const r = await post(`${server.url}/acquire`);
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'CONTROLPLANE_NOT_READY' });
    await server.close();
  });
});
