import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Informer } from '../operator/runtime/informer.js';
import { tokenPath } from '../operator/names.js';
import { secretPath } from '../kube/index.js';
import type { StorefrontTokenObject } from '../operator/objects.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { metricSum, percentile, pool, progress, spawnOperator, startBenchCluster, type BenchCluster } from './operator-support.js';

// Operator at scale, on this machine (2 cores shared by etcd, kube-apiserver,
// kube-controller-manager, the sandbox and the operator):
//   1. 1,000 StorefrontTokens across 10 namespaces: time until all Ready, and
//      the time to write the same Secrets and status directly with
//      client-node at the same concurrency (ratio target <= 2.0, <= 30 s);
//   2. revocation latency with 1,000 tokens present (p99 target < 2 s);
//   3. idle for SFTOKEN_BENCH_IDLE_SECONDS (default 300): platform calls,
//      API-server writes and operator memory (target 0, 0, < 250 MB).
// Run: npx tsx bench/operator-scale.ts

const Tokens = Number(process.env['SFTOKEN_BENCH_TOKENS'] ?? 1000);
const Namespaces = 10;
const Concurrency = 16;
const IdleSeconds = Number(process.env['SFTOKEN_BENCH_IDLE_SECONDS'] ?? 300);
const RevokeSamples = Number(process.env['SFTOKEN_BENCH_REVOKES'] ?? 100);

const platforms = ['avvyr', 'cloudflare', 'bigcommerce', 'wizcommerce'] as const;

function connectionObjects(sandbox: Sandbox, ns: string): { secret: unknown; connection: unknown }[] {
  const p = sandbox.platforms;
  const creds: Record<(typeof platforms)[number], [string, Record<string, string>]> = {
    avvyr: [p.avvyr.baseUrl, { apiKey: p.avvyr.apiKey }],
    cloudflare: [p.cloudflare.baseUrl, { apiToken: p.cloudflare.apiToken }],
    bigcommerce: [p.bigcommerce.baseUrl, { accessToken: p.bigcommerce.accessToken }],
    wizcommerce: [p.wizcommerce.baseUrl, { email: p.wizcommerce.email, password: p.wizcommerce.password }],
  };
  return platforms.map((platform) => ({
    secret: { metadata: { name: `${platform}-credentials`, namespace: ns }, stringData: creds[platform][1] },
    connection: {
      apiVersion: 'sftoken.dev/v1alpha1', kind: 'PlatformConnection', metadata: { name: platform, namespace: ns },
      spec: { platform, baseUrl: creds[platform][0], credentialsSecretRef: { name: `${platform}-credentials` }, requestsPerSecond: 1000 },
    },
  }));
}

function tokenSpec(sandbox: Sandbox, i: number): Record<string, unknown> {
  const platform = platforms[i % platforms.length] ?? 'avvyr';
  const secret = { name: `tok-${i}` };
  const connectionRef = { name: platform };
  switch (platform) {
    case 'avvyr':
      return { platform, connectionRef, secret, avvyr: { tenantId: sandbox.platforms.avvyr.tenantId, allowedOrigins: [`https://s${i}.example.com`] } };
    case 'cloudflare':
      return { platform, connectionRef, secret, lifetime: { ttl: '720h' }, cloudflare: { accountId: sandbox.platforms.cloudflare.accountId, policies: [{ effect: 'allow', permissionGroups: ['73b8d55e332fbd511432c58ad8f8b62c'], resources: { [`com.cloudflare.api.account.${sandbox.platforms.cloudflare.accountId}`]: '*' } }] } };
    case 'bigcommerce':
      return { platform, connectionRef, secret, lifetime: { ttl: '720h' }, bigcommerce: { storeHash: sandbox.platforms.bigcommerce.storeHash, channelIds: [1], allowedCorsOrigins: [`https://s${i}.example.com`] } };
    case 'wizcommerce':
      return { platform, connectionRef, secret, wizcommerce: { accountEmail: sandbox.platforms.wizcommerce.email } };
  }
}

async function setup(cluster: BenchCluster, sandbox: Sandbox, prefix: string): Promise<string[]> {
  const names = Array.from({ length: Namespaces }, (_, i) => `${prefix}-${i}`);
  for (const ns of names) {
    await cluster.kube.send('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    for (const { secret, connection } of connectionObjects(sandbox, ns)) {
      await cluster.kube.send('POST', secretPath(ns), secret);
      await cluster.kube.send('POST', `/apis/sftoken.dev/v1alpha1/namespaces/${ns}/platformconnections`, connection);
    }
  }
  return names;
}

function tokenBody(sandbox: Sandbox, ns: string, i: number): StorefrontTokenObject {
  return { apiVersion: 'sftoken.dev/v1alpha1', kind: 'StorefrontToken', metadata: { name: `tok-${i}`, namespace: ns }, spec: tokenSpec(sandbox, i) };
}

// Readiness is counted from a watch, not by listing a thousand objects a few
// times a second, so the measurement does not load the API server itself.
function readyCounter(cluster: BenchCluster, prefix: string): { count: () => number; stop: () => Promise<void> } {
  const ready = new Set<string>();
  const informer = new Informer<StorefrontTokenObject>(cluster.kube, {
    path: tokenPath(),
    onEvent: (event, t) => {
      const key = `${t.metadata.namespace ?? ''}/${t.metadata.name ?? ''}`;
      if (event !== 'deleted' && (t.metadata.namespace ?? '').startsWith(prefix) && t.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true) ready.add(key);
    },
  });
  void informer.start();
  return { count: () => ready.size, stop: () => informer.stop() };
}

async function operatorRun(cluster: BenchCluster, sandbox: Sandbox): Promise<number> {
  const namespaces = await setup(cluster, sandbox, 'op');
  const op = await spawnOperator(cluster, ['--workers', String(Concurrency)]);
  progress(`operator up; creating ${Tokens} StorefrontTokens in ${Namespaces} namespaces at concurrency ${Concurrency}`);
  const counter = readyCounter(cluster, 'op-');
  const started = performance.now();
  await pool(Array.from({ length: Tokens }, (_, i) => i), Concurrency, async (i) => {
    const ns = namespaces[i % Namespaces] ?? 'op-0';
    await cluster.kube.send('POST', tokenPath(ns), tokenBody(sandbox, ns, i));
  });
  progress(`created in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting for Ready`);
  while (counter.count() < Tokens) {
    await new Promise((r) => setTimeout(r, 20));
    if (performance.now() - started > 300_000) throw new Error(`only ${counter.count()} of ${Tokens} Ready after 300 s`);
  }
  const allReadyMs = performance.now() - started;
  await counter.stop();
  progress(`all ${Tokens} Ready after ${(allReadyMs / 1000).toFixed(1)} s`);

  // Revocation latency: from the patch's answer to the sandbox seeing the revoke.
  const latencies: number[] = [];
  const avvyrIds = new Map<number, string>();
  const list = await cluster.kube.list<StorefrontTokenObject>(tokenPath());
  for (const t of list.items) {
    const i = Number((t.metadata.name ?? '').slice(4));
    if (i % platforms.length === 0) avvyrIds.set(i, (t.status?.current?.id ?? '').split('/').pop() ?? '');
  }
  const candidates = [...avvyrIds.keys()].slice(0, RevokeSamples);
  for (const i of candidates) {
    const ns = namespaces[i % Namespaces] ?? 'op-0';
    const id = avvyrIds.get(i) ?? '';
    const t0 = performance.now();
    await cluster.kube.mergePatch(tokenPath(ns, `tok-${i}`), { spec: { revoked: true } });
    for (;;) {
      if (sandbox.inventory('avvyr').some((e) => e.id === id && e.state === 'revoked')) break;
      if (performance.now() - t0 > 30_000) throw new Error(`revoke of tok-${i} not seen in 30 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(performance.now() - t0);
  }
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  progress(`revocation latency over ${latencies.length} tokens: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
  await new Promise((r) => setTimeout(r, 3000));

  // Idle: nothing changes; count platform calls and API-server writes.
  const platformBefore = await metricSum(op.metricsUrl, 'sftoken_platform_calls_total');
  const writes = (labels: string): boolean => !labels.includes('verb="GET"');
  const notLease = (labels: string): boolean => writes(labels) && !labels.includes('resource="leases"');
  const writesBefore = await metricSum(op.metricsUrl, 'sftoken_kube_requests_total', notLease);
  const leaseBefore = await metricSum(op.metricsUrl, 'sftoken_kube_requests_total', (l) => writes(l) && l.includes('resource="leases"'));
  progress(`idle for ${IdleSeconds} s`);
  let peakRss = 0;
  for (let s = 0; s < IdleSeconds; s += 5) {
    await new Promise((r) => setTimeout(r, 5000));
    peakRss = Math.max(peakRss, await metricSum(op.metricsUrl, 'process_resident_memory_bytes'));
    if (s % 60 === 55) progress(`idle ${s + 5}/${IdleSeconds} s`);
  }
  const platformCalls = (await metricSum(op.metricsUrl, 'sftoken_platform_calls_total')) - platformBefore;
  const kubeWrites = (await metricSum(op.metricsUrl, 'sftoken_kube_requests_total', notLease)) - writesBefore;
  const leaseWrites = (await metricSum(op.metricsUrl, 'sftoken_kube_requests_total', (l) => writes(l) && l.includes('resource="leases"'))) - leaseBefore;
  const heap = await metricSum(op.metricsUrl, 'nodejs_heap_size_used_bytes');
  await op.stop();

  console.log(`\noperator: ${Tokens} StorefrontTokens in ${Namespaces} namespaces (4 platforms), all Ready in ${(allReadyMs / 1000).toFixed(2)} s (target <= 30 s)`);
  console.log(`revocation latency (${latencies.length} samples, ${Tokens} tokens present): p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (target p99 < 2000 ms)`);
  console.log(`idle ${IdleSeconds} s: platform calls ${platformCalls}, API-server writes ${kubeWrites} (plus ${leaseWrites} leader-Lease renewals), operator RSS peak ${(peakRss / 2 ** 20).toFixed(0)} MB, heap used ${(heap / 2 ** 20).toFixed(0)} MB (target 0, 0, < 250 MB)`);
  return allReadyMs;
}

// The same writes the operator makes for a token (state Secret, destination
// Secret, status), made directly with client-node at the same concurrency.
async function baselineRun(cluster: BenchCluster, sandbox: Sandbox): Promise<number> {
  const namespaces = await setup(cluster, sandbox, 'base');
  const kc = cluster.cp.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  progress(`baseline: ${Tokens} tokens, their two Secrets and status with client-node at concurrency ${Concurrency}`);
  const started = performance.now();
  await pool(Array.from({ length: Tokens }, (_, i) => i), Concurrency, async (i) => {
    const namespace = namespaces[i % Namespaces] ?? 'base-0';
    const name = `tok-${i}`;
    await custom.createNamespacedCustomObject({ group: 'sftoken.dev', version: 'v1alpha1', namespace, plural: 'storefronttokens', body: tokenBody(sandbox, namespace, i) });
    const value = Buffer.from(`value-${i}-${Math.random()}`).toString('base64');
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- client-node models are behaviour-free classes; its serializer takes plain objects
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: `sftoken-state-${name}` }, data: { state: value, current: value } } });
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- as above
    await core.createNamespacedSecret({ namespace, body: { metadata: { name }, data: { token: value, expiresAt: value, origins: value, tokenId: value } } });
    const now = new Date().toISOString();
    await custom.patchNamespacedCustomObjectStatus({
      group: 'sftoken.dev', version: 'v1alpha1', namespace, plural: 'storefronttokens', name,
      body: { status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Token issued and delivered', lastTransitionTime: now, observedGeneration: 1 }], current: { fingerprint: 'abc', issuedAt: now } } },
    }, merge);
  });
  const ms = performance.now() - started;
  console.log(`baseline: the same tokens, Secrets and status written directly with client-node at concurrency ${Concurrency}: ${(ms / 1000).toFixed(2)} s`);
  return ms;
}

// Each run gets a fresh control plane, so neither pays for the other's objects.
async function fresh<T>(run: (cluster: BenchCluster, sandbox: Sandbox) => Promise<T>): Promise<T> {
  const cluster = await startBenchCluster();
  const sandbox = await startSandbox({ rateLimits: false });
  try {
    return await run(cluster, sandbox);
  } finally {
    await sandbox.close();
    await cluster.cp.stop();
  }
}

async function main(): Promise<void> {
  const baseline = await fresh(baselineRun);
  const operator = await fresh(operatorRun);
  console.log(`ratio operator / direct writes: ${(operator / baseline).toFixed(2)} (target <= 2.0)`);
}

await main();
