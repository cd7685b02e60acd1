import { Informer } from '../operator/runtime/informer.js';
import { tokenPath } from '../operator/names.js';
import { secretPath } from '../kube/index.js';
import type { StorefrontTokenObject } from '../operator/objects.js';
import { DEFAULT_RATE_LIMITS, startSandbox } from '../sandbox/index.js';
import { metricSum, pool, progress, spawnOperator, startBenchCluster } from './operator-support.js';

// BigCommerce's rate limit, enforced by the sandbox (150 requests per 30 s
// per store): N BigCommerce tokens across 10 namespaces share one
// ClusterPlatformConnection, hence one client and one rate limiter. Figures:
// time until all Ready against the bound the limit allows at its sustained
// rate (N creates at 150/30 s), and the share of requests answered 429.
// Targets: within 1.15x of the bound, fewer than 1% 429s.
// Run: npx tsx bench/operator-ratelimit.ts   (SFTOKEN_BENCH_TOKENS, default 300)

const Tokens = Number(process.env['SFTOKEN_BENCH_TOKENS'] ?? 300);
const Namespaces = 10;
// requestsPerSecond for the connection: unset uses the adapter's default (exactly the published rate).
const Rps = process.env['SFTOKEN_BENCH_RPS'] === undefined ? undefined : Number(process.env['SFTOKEN_BENCH_RPS']);

async function main(): Promise<void> {
  const cluster = await startBenchCluster();
  const sandbox = await startSandbox();
  try {
    const limit = DEFAULT_RATE_LIMITS.bigcommerce;
    const bc = sandbox.platforms.bigcommerce;
    await cluster.kube.send('POST', secretPath('default'), { metadata: { name: 'bigcommerce-credentials' }, stringData: { accessToken: bc.accessToken } });
    await cluster.kube.send('POST', '/apis/sftoken.dev/v1alpha1/clusterplatformconnections', {
      apiVersion: 'sftoken.dev/v1alpha1', kind: 'ClusterPlatformConnection', metadata: { name: 'bigcommerce' },
      spec: { platform: 'bigcommerce', baseUrl: bc.baseUrl, credentialsSecretRef: { name: 'bigcommerce-credentials', namespace: 'default' }, ...(Rps === undefined ? {} : { requestsPerSecond: Rps }) },
    });
    const namespaces = Array.from({ length: Namespaces }, (_, i) => `rl-${i}`);
    for (const ns of namespaces) await cluster.kube.send('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    const op = await spawnOperator(cluster);
    const ready = new Set<string>();
    const informer = new Informer<StorefrontTokenObject>(cluster.kube, {
      path: tokenPath(),
      onEvent: (_e, t) => {
        if (t.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true) ready.add(`${t.metadata.namespace ?? ''}/${t.metadata.name ?? ''}`);
      },
    });
    await informer.start();
    progress(`creating ${Tokens} BigCommerce tokens; the sandbox allows ${limit.limit} requests per ${limit.windowMs / 1000} s`);
    const started = performance.now();
    await pool(Array.from({ length: Tokens }, (_, i) => i), 16, async (i) => {
      const ns = namespaces[i % Namespaces] ?? 'rl-0';
      await cluster.kube.send('POST', tokenPath(ns), {
        apiVersion: 'sftoken.dev/v1alpha1', kind: 'StorefrontToken', metadata: { name: `bc-${i}`, namespace: ns },
        spec: {
          platform: 'bigcommerce', connectionRef: { kind: 'ClusterPlatformConnection', name: 'bigcommerce' }, secret: { name: `bc-${i}` }, lifetime: { ttl: '720h' },
          bigcommerce: { storeHash: bc.storeHash, channelIds: [1], allowedCorsOrigins: [`https://s${i}.example.com`] },
        },
      });
    });
    let lastReport = 0;
    while (ready.size < Tokens) {
      await new Promise((r) => setTimeout(r, 50));
      const elapsed = performance.now() - started;
      if (elapsed - lastReport > 10_000) {
        lastReport = elapsed;
        progress(`${ready.size}/${Tokens} Ready after ${(elapsed / 1000).toFixed(0)} s`);
      }
      if (elapsed > 900_000) throw new Error(`only ${ready.size} Ready after 900 s`);
    }
    const ms = performance.now() - started;
    await informer.stop();
    const creates = await metricSum(op.metricsUrl, 'sftoken_platform_calls_total', (l) => l.includes('platform="bigcommerce"'));
    const throttled = await metricSum(op.metricsUrl, 'sftoken_platform_calls_total', (l) => l.includes('platform="bigcommerce"') && l.includes('outcome="429"'));
    await op.stop();
    const sustainedBoundMs = (Tokens / limit.limit) * limit.windowMs;
    const windowFloorMs = (Math.ceil(Tokens / limit.limit) - 1) * limit.windowMs;
    console.log(`\nrate limit: ${Tokens} BigCommerce tokens through one connection (requestsPerSecond ${Rps ?? 'default'}), sandbox limit ${limit.limit}/${limit.windowMs / 1000} s`);
    console.log(`all Ready in ${(ms / 1000).toFixed(1)} s; bound at the sustained rate ${(sustainedBoundMs / 1000).toFixed(1)} s -> ${(ms / sustainedBoundMs).toFixed(3)}x (target <= 1.15x)`);
    console.log(`(fixed-window floor, bursting ${limit.limit} at each window start: ${(windowFloorMs / 1000).toFixed(1)} s)`);
    console.log(`platform requests ${creates}, answered 429: ${throttled} (${((100 * throttled) / Math.max(1, creates)).toFixed(2)}%, target < 1%)`);
  } finally {
    await sandbox.close();
    await cluster.cp.stop();
  }
}

await main();
