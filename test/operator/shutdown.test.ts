import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { spawnOperator } from './process.js';
import { applyIn, exampleObjects, shareWorld, startOperatorIn, waitFor, waitReady, type Cluster } from './world.js';

// Shutdown is prompt even while a platform says "come back in a minute": the
// real operator process, its only token's create answered 429 with
// Retry-After: 60 (the sandbox's injected burst: the rest of Avvyr's 60 s
// window), gets
// SIGTERM while its client sits out that wait, and must exit cleanly well
// inside a Pod's 30 s grace. The next operator, with the platform healthy,
// finishes the token with exactly one token issued: the aborted create was
// recorded in doubt and settled, not created a second time.

const ShutdownBoundMs = 5000;

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

describe('shutdown', () => {
  it('SIGTERM during a 429 Retry-After: 60 wait exits within 5 s, and a restart finishes the token without a duplicate', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'op-shutdown');
    sandbox.setFaults({ burst429: 1000 }, 'avvyr');
    const first = await spawnOperator(cluster.cp.kubeconfigPath, ns);
    try {
      await first.synced;
      await applyIn(cluster, ns, exampleObjects('avvyr', sandbox.url));
      // The create was refused, with the wait the platform asked for; the client is now sitting it out.
      const refused = await waitFor('a 429 from Avvyr', async () => {
        const stats = await (await fetch(`${sandbox.url}/_sandbox/stats`)).json() as { rows: { platform: string; status: number; count: number }[] };
        return stats.rows.find((r) => r.platform === 'avvyr' && r.status === 429);
      });
      expect(refused.count).toBe(1);
      // What the operator was told, asked the same way (example credentials, the token's collection).
      const asked = await fetch(`${sandbox.platforms.avvyr.baseUrl}/v1/tenants/tnt_sandbox/markets/mkt_se/storefront-tokens`, {
        method: 'POST',
        headers: { authorization: 'Bearer avak_sandbox_admin_0000000000000000', 'content-type': 'application/json', 'idempotency-key': 'shutdown-probe' },
        body: JSON.stringify({ name: 'probe', allowedOrigins: ['https://probe.example.com'] }),
      });
      // The rest of Avvyr's 60 s window, which the operator's first request opened a moment ago.
      expect(asked.status).toBe(429);
      expect(Number(asked.headers.get('retry-after')), 'the platform asks for about a minute').toBeGreaterThanOrEqual(50);
      await new Promise((r) => setTimeout(r, 500));

      const sent = performance.now();
      const exit = await Promise.race([first.kill('SIGTERM'), new Promise<string>((r) => setTimeout(() => { r('still running'); }, 30_000))]);
      const tookMs = performance.now() - sent;
      process.stderr.write(`shutdown: exited ${exit} ${String(Math.round(tookMs))} ms after SIGTERM, during a 60 s Retry-After wait\n`);
      expect(exit).toBe('exit 0');
      expect(tookMs, `exit within ${String(ShutdownBoundMs)} ms of SIGTERM`).toBeLessThan(ShutdownBoundMs);
      expect(first.lines.some((l) => l.includes('signal received; shutting down'))).toBe(true);
    } finally {
      await first.kill();
    }

    // The next leader (in-process: a second process start costs 15 s here) settles what the first left.
    sandbox.setFaults({ burst429: 0 }, 'avvyr');
    const { operator } = await startOperatorIn(cluster, ns);
    try {
      await waitReady(cluster, ns, 'nordic-storefront', 30_000);
      expect(sandbox.inventory('avvyr').map((e) => e.state), 'one token issued, and active').toEqual(['active']);
    } finally {
      await operator.stop();
    }
  }, 90_000);
});
