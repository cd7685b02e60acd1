import { randomUUID } from 'node:crypto';
import { adapterFor } from '../core/platforms/registry.js';
import { storefrontTokenSpecSchema } from '../core/schema/storefront-token.js';
import { SecretValue } from '../core/secret.js';
import { Informer } from '../operator/runtime/informer.js';
import { tokenPath } from '../operator/names.js';
import { secretPath } from '../kube/index.js';
import type { StorefrontTokenObject } from '../operator/objects.js';
import { DEFAULT_RATE_LIMITS, startSandbox, violationReport } from '../sandbox/index.js';
import { metricSum, pool, progress, spawnOperator, startBenchCluster, type BenchCluster } from './operator-support.js';

// BigCommerce's rate limit, enforced by the sandbox with its defaults (150
// requests per 30 s per store, a fixed window that opens at the first
// request; the budget is in every answer's X-Rate-Limit-* headers). N
// BigCommerce tokens in one store, across 10 namespaces, share one
// ClusterPlatformConnection, hence one client and one rate limiter. Figures,
// per N: time until all Ready against the floor the platform's own window
// allows (ceil(N/150) windows, so the last batch can start (ceil(N/150)-1)
// x 30 s after the first request), and the share of platform requests
// answered 429. Targets: at most 1.1x the floor, fewer than 1% 429s. Beside
// it, the same N with the sandbox's limits off (fresh sandbox and operator):
// the operator's own time on this machine, which the limit cannot beat (after
// the last window opens, its batch still has to be issued and delivered);
// and the same N creates through one BigCommerce client alone (8 at a time,
// no operator, no Kubernetes), which is what the HTTP layer's limiter does
// against the floor by itself. The
// sandbox validates all traffic against the OpenAPI documents; a violation
// fails the run.
// Run: npx tsx bench/operator-ratelimit.ts
//   SFTOKEN_BENCH_TOKENS=300,1000 (the default) sizes, one fresh sandbox and operator each;
//   SFTOKEN_BENCH_RPS sets the connection's requestsPerSecond (a ceiling: pacing even with the headers);
//   SFTOKEN_BENCH_BASELINE=0 skips the runs without limits.

const Sizes = (process.env['SFTOKEN_BENCH_TOKENS'] ?? '300,1000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const Namespaces = 10;
const Rps = process.env['SFTOKEN_BENCH_RPS'] === undefined ? undefined : Number(process.env['SFTOKEN_BENCH_RPS']);
const FloorTarget = 1.1;
const ThrottledTarget = 1;
const Baseline = process.env['SFTOKEN_BENCH_BASELINE'] !== '0';

interface Figures {
  readonly tokens: number;
  readonly seconds: number;
  readonly floorSeconds: number;
  readonly requests: number;
  readonly throttled: number;
  readonly sandboxThrottled: number;
}

async function run(cluster: BenchCluster, tokens: number, limited: boolean): Promise<Figures> {
  const sandbox = await startSandbox({ validate: true, ...(limited ? {} : { rateLimits: false }) });
  const limit = DEFAULT_RATE_LIMITS.bigcommerce;
  const bc = sandbox.platforms.bigcommerce;
  const label = `${limited ? 'rl' : 'free'}${tokens}`;
  const connection = `bigcommerce-${label}`;
  try {
    await cluster.kube.send('POST', secretPath('default'), { metadata: { name: `${connection}-credentials` }, stringData: { accessToken: bc.accessToken } });
    await cluster.kube.send('POST', '/apis/sftoken.dev/v1alpha1/clusterplatformconnections', {
      apiVersion: 'sftoken.dev/v1alpha1', kind: 'ClusterPlatformConnection', metadata: { name: connection },
      spec: { platform: 'bigcommerce', baseUrl: bc.baseUrl, credentialsSecretRef: { name: `${connection}-credentials`, namespace: 'default' }, ...(Rps === undefined ? {} : { requestsPerSecond: Rps }) },
    });
    const namespaces = Array.from({ length: Namespaces }, (_, i) => `${label}-${i}`);
    for (const ns of namespaces) await cluster.kube.send('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    const op = await spawnOperator(cluster);
    const ready = new Set<string>();
    const informer = new Informer<StorefrontTokenObject>(cluster.kube, {
      path: tokenPath(),
      onEvent: (_e, t) => {
        const key = `${t.metadata.namespace ?? ''}/${t.metadata.name ?? ''}`;
        if (key.startsWith(`${label}-`) && t.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true) ready.add(key);
      },
    });
    await informer.start();
    progress(`creating ${tokens} BigCommerce tokens in one store; ${limited ? `the sandbox allows ${limit.limit} requests per ${limit.windowMs / 1000} s` : 'sandbox limits off'}`);
    const started = performance.now();
    await pool(Array.from({ length: tokens }, (_, i) => i), 16, async (i) => {
      const ns = namespaces[i % Namespaces] ?? namespaces[0] ?? 'default';
      await cluster.kube.send('POST', tokenPath(ns), {
        apiVersion: 'sftoken.dev/v1alpha1', kind: 'StorefrontToken', metadata: { name: `bc-${i}`, namespace: ns },
        spec: {
          platform: 'bigcommerce', connectionRef: { kind: 'ClusterPlatformConnection', name: connection }, secret: { name: `bc-${i}` }, lifetime: { ttl: '720h' },
          bigcommerce: { storeHash: bc.storeHash, channelIds: [1], allowedCorsOrigins: [`https://s${i}.example.com`] },
        },
      });
    });
    let lastReport = 0;
    while (ready.size < tokens) {
      await new Promise((r) => setTimeout(r, 50));
      const elapsed = performance.now() - started;
      if (elapsed - lastReport > 10_000) {
        lastReport = elapsed;
        progress(`${ready.size}/${tokens} Ready after ${(elapsed / 1000).toFixed(0)} s`);
      }
      if (elapsed > 900_000) throw new Error(`only ${ready.size} Ready after 900 s`);
    }
    const ms = performance.now() - started;
    await informer.stop();
    const requests = await metricSum(op.metricsUrl, 'sftoken_platform_calls_total', (l) => l.includes('platform="bigcommerce"'));
    const throttled = await metricSum(op.metricsUrl, 'sftoken_platform_calls_total', (l) => l.includes('platform="bigcommerce"') && l.includes('outcome="429"'));
    await op.stop();
    const report = violationReport(sandbox.violations(), `at the sandbox during the ${label} run`);
    if (report !== '') throw new Error(report);
    return {
      tokens,
      seconds: ms / 1000,
      floorSeconds: ((Math.ceil(tokens / limit.limit) - 1) * limit.windowMs) / 1000,
      requests,
      throttled,
      sandboxThrottled: sandbox.stats().rateLimited,
    };
  } finally {
    await sandbox.close();
  }
}

/** clientRun issues N tokens through one BigCommerce client, 8 at a time: the rate limiter alone against the window. */
async function clientRun(tokens: number): Promise<{ seconds: number; requests: number; throttled: number }> {
  const sandbox = await startSandbox({ validate: true });
  try {
    const bc = sandbox.platforms.bigcommerce;
    const outcomes: (number | 'error')[] = [];
    const client = adapterFor('bigcommerce').connect({ baseUrl: bc.baseUrl, credentials: { accessToken: new SecretValue(bc.accessToken) } }, { onCall: (c) => outcomes.push(c.outcome) });
    const spec = storefrontTokenSpecSchema.parse({ platform: 'bigcommerce', bigcommerce: { storeHash: bc.storeHash, channelIds: [1], allowedCorsOrigins: ['https://shop.example.com'] }, secret: { name: 'bench' } });
    const started = performance.now();
    await pool(Array.from({ length: tokens }, (_, i) => i), 8, async (i) => {
      await client.issue({ spec, name: `bench ${i}`, expiresAt: new Date(Date.now() + 3_600_000), idempotencyKey: randomUUID() });
    });
    const seconds = (performance.now() - started) / 1000;
    const report = violationReport(sandbox.violations(), `at the sandbox during the ${tokens}-token client run`);
    if (report !== '') throw new Error(report);
    return { seconds, requests: outcomes.length, throttled: outcomes.filter((o) => o === 429).length };
  } finally {
    await sandbox.close();
  }
}

async function main(): Promise<void> {
  const cluster = await startBenchCluster();
  const results: Figures[] = [];
  const free = new Map<number, Figures>();
  const alone = new Map<number, Awaited<ReturnType<typeof clientRun>>>();
  try {
    for (const tokens of Sizes) {
      results.push(await run(cluster, tokens, true));
      if (Baseline) free.set(tokens, await run(cluster, tokens, false));
      progress(`${tokens} creates through one client alone`);
      alone.set(tokens, await clientRun(tokens));
    }
  } finally {
    await cluster.cp.stop();
  }
  const limit = DEFAULT_RATE_LIMITS.bigcommerce;
  console.log(`\nrate limit: BigCommerce tokens in one store through one connection (requestsPerSecond ${Rps ?? 'unset: the X-Rate-Limit-* headers drive it'}), sandbox default ${limit.limit}/${limit.windowMs / 1000} s fixed window, OpenAPI validation on (no violations)`);
  console.log('tokens | all Ready (s) | window floor (s) | ratio (target <= 1.1x) | platform requests | 429s (target < 1%) | same N, limits off (s)');
  for (const r of results) {
    const ratio = r.floorSeconds > 0 ? r.seconds / r.floorSeconds : Number.NaN;
    const share = (100 * r.throttled) / Math.max(1, r.requests);
    console.log(
      `${r.tokens} | ${r.seconds.toFixed(1)} | ${r.floorSeconds.toFixed(1)} | ${ratio.toFixed(3)}x ${ratio <= FloorTarget ? 'ok' : 'MISSED'} | ${r.requests} | ${r.throttled} (${share.toFixed(2)}%; sandbox counted ${r.sandboxThrottled}) ${share < ThrottledTarget ? 'ok' : 'MISSED'} | ${free.get(r.tokens)?.seconds.toFixed(1) ?? '-'}`,
    );
  }
  console.log('\nthe limiter alone: N creates through one BigCommerce client, 8 at a time, no operator');
  console.log('tokens | done (s) | window floor (s) | ratio (target <= 1.1x) | requests | 429s');
  for (const r of results) {
    const a = alone.get(r.tokens);
    if (a === undefined) continue;
    const ratio = a.seconds / r.floorSeconds;
    console.log(`${r.tokens} | ${a.seconds.toFixed(1)} | ${r.floorSeconds.toFixed(1)} | ${ratio.toFixed(3)}x ${ratio <= FloorTarget ? 'ok' : 'MISSED'} | ${a.requests} | ${a.throttled} (${((100 * a.throttled) / Math.max(1, a.requests)).toFixed(2)}%)`);
  }
  console.log('(floor: the last of ceil(N/150) windows opens (ceil(N/150)-1) x 30 s after the first request; pacing at the average rate, as before, took 61.9 s for 300)');
}

await main();
