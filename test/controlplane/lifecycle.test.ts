import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlanePids } from '../../controlplane/index.js';
import { KubeClient } from '../../kube/index.js';
import { sleep } from '../../controlplane/probe.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pids: ControlPlanePids, dir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!Object.values(pids).some(alive) && !existsSync(dir)) return true;
    await sleep(100);
  }
  return false;
}

const fixture = fileURLToPath(new URL('./testing/hold-control-plane.ts', import.meta.url));

const signals = [
  { signal: 'SIGTERM', reason: 'the exit guard kills the groups and removes the dir before dying by the signal' },
  { signal: 'SIGINT', reason: 'Ctrl-C on a test run takes the same exit-guard path' },
  { signal: 'SIGKILL', reason: 'no hook runs, so the watchdog sees its pipe close and reaps' },
] as const;

describe('control plane lifecycle', () => {
  it('serves the stamped version and stops without leftovers', async () => {
    const cp = await startControlPlane();
    const client = new KubeClient(cp.kubeConfig());
    const version = await client.call('GET', '/version');
    client.close();
    expect(version.body).toMatchObject({ gitVersion: 'v1.34.3', major: '1', minor: '34' });
    expect(Object.values(cp.pids).every(alive)).toBe(true);
    await cp.stop();
    expect(Object.values(cp.pids).filter(alive)).toEqual([]);
    expect(existsSync(cp.dir)).toBe(false);
    await cp.stop(); // idempotent
  }, 120_000);

  it.each(signals)('leaves no processes or temp dir when the owner gets $signal ($reason)', async ({ signal }) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.once('exit', (code) => {
        reject(new Error(`fixture exited early with ${String(code)}`));
      });
    });
    const { pids, dir } = JSON.parse(line) as { pids: ControlPlanePids; dir: string };
    expect(Object.values(pids).every(alive)).toBe(true);
    expect(existsSync(dir)).toBe(true);

    child.kill(signal);
    expect(await gone(pids, dir, 15_000)).toBe(true);
  }, 120_000);
});
