// Benchmark: create+revoke throughput of the platform sandbox on loopback.
//
// The sandbox runs in this process; the load generator runs in a forked child
// process so each gets its own core. For each platform (then a mixed run) the
// client keeps N keep-alive connections busy with create→revoke pairs and
// reports requests per second and per-request latency percentiles.
//
//   npx tsx bench/sandbox-throughput.ts [--seconds 5] [--connections 32] [--validate]
//
// --validate turns on OpenAPI conformance checking to show what it costs.
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { CF_PERMISSION_GROUPS, startSandbox, type PlatformName, type SandboxPlatforms } from '../sandbox/index.js';

interface Scenario {
  readonly name: string;
  readonly platforms: readonly PlatformName[];
}

interface ClientResult {
  readonly scenario: string;
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'bigcommerce', platforms: ['bigcommerce'] },
  { name: 'cloudflare', platforms: ['cloudflare'] },
  { name: 'wizcommerce', platforms: ['wizcommerce'] },
  { name: 'avvyr', platforms: ['avvyr'] },
  { name: 'mixed', platforms: ['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr'] },
];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    validate: { type: 'boolean', default: false },
    client: { type: 'string' },
  },
});

if (values.client !== undefined) {
  await runClient(JSON.parse(values.client) as { platforms: SandboxPlatforms; scenario: Scenario; seconds: number; connections: number });
} else {
  await runServer(Number(values.seconds), Number(values.connections), values.validate);
}

async function runServer(seconds: number, connections: number, validate: boolean): Promise<void> {
  const sb = await startSandbox({ rateLimits: false, validate });
  process.stderr.write(`sandbox at ${sb.url}; ${seconds}s per scenario, ${connections} keep-alive connections, validate=${validate}, client in a separate process\n`);
  const rows: string[] = [];
  for (const scenario of SCENARIOS) {
    sb.reset({ stats: true });
    const cpu0 = process.cpuUsage();
    const result = await new Promise<ClientResult>((resolve, reject) => {
      const child = fork(process.argv[1] ?? '', ['--client', JSON.stringify({ platforms: sb.platforms, scenario, seconds, connections })], { execArgv: process.execArgv });
      child.once('message', (m) => {
        resolve(m as ClientResult);
      });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code !== 0) reject(new Error(`client exited with ${String(code)}`));
      });
    });
    const cpu = process.cpuUsage(cpu0);
    const lat = result.latenciesMs.sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0;
    const rps = result.requests / result.seconds;
    const stats = sb.stats();
    // Server CPU per request covers warm-up too (both are in stats.total), so the ratio is fair.
    const cpuUsPerReq = (cpu.user + cpu.system) / Math.max(1, stats.total);
    const line = `${scenario.name.padEnd(12)} ${rps.toFixed(0).padStart(7)} req/s  (${(rps / 2).toFixed(0)} create+revoke pairs/s)  p50 ${pct(50).toFixed(2)} ms  p99 ${pct(99).toFixed(2)} ms  errors ${result.errors}  server CPU ${cpuUsPerReq.toFixed(0)} us/request`;
    rows.push(line);
    process.stderr.write(`${line}\n`);
  }
  const inv = sb.inventory();
  const leaked = inv.filter((t) => t.state === 'active').length;
  await sb.close();
  process.stdout.write(`\nsandbox create+revoke throughput (loopback, ${connections} connections, ${seconds}s each, validate=${validate}, target >= 2000 req/s)\n${rows.join('\n')}\n`);
  process.stdout.write(`tokens issued: ${inv.length}, still active after the run: ${leaked}\n`);
}

async function runClient(cfg: { platforms: SandboxPlatforms; scenario: Scenario; seconds: number; connections: number }): Promise<void> {
  const p = cfg.platforms;
  const origin = new URL(p.bigcommerce.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.connections });
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;

  function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) {
        h['Content-Type'] = 'application/json';
        h['Content-Length'] = Buffer.byteLength(body);
      }
      const req = request({ host: origin.hostname, port: origin.port, method, path, headers: h, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          requests++;
          const status = res.statusCode ?? 0;
          if (status >= 300) errors++;
          resolve({ status, text });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const bcBase = `/bigcommerce/stores/${p.bigcommerce.storeHash}/v3/storefront`;
  const bcH = { 'X-Auth-Token': p.bigcommerce.accessToken, Accept: 'application/json' };
  const cfBase = `/cloudflare/client/v4/accounts/${p.cloudflare.accountId}/tokens`;
  const cfH = { Authorization: `Bearer ${p.cloudflare.apiToken}` };
  const cfBody = JSON.stringify({ name: 'bench', policies: [{ effect: 'allow', permission_groups: [{ id: CF_PERMISSION_GROUPS[0]?.id }], resources: { [`com.cloudflare.api.account.${p.cloudflare.accountId}`]: '*' } }] });
  const avBase = `/avvyr/v1/tenants/${p.avvyr.tenantId}/storefront-tokens`;
  const avH = { Authorization: `Bearer ${p.avvyr.apiKey}` };
  const bcBody = JSON.stringify({ channel_id: 1, expires_at: 1885635176, scopes: ['Customer'] });
  const wizBody = JSON.stringify({ email: p.wizcommerce.email, password: p.wizcommerce.password });
  const avBody = JSON.stringify({ name: 'bench', allowedOrigins: ['https://shop.example'] });

  const pair: Record<PlatformName, () => Promise<void>> = {
    bigcommerce: async () => {
      const c = await send('POST', `${bcBase}/api-token-private`, bcH, bcBody);
      const jwt = (JSON.parse(c.text) as { data: { token: string } }).data.token;
      await send('DELETE', `${bcBase}/api-token`, { ...bcH, 'Sf-Api-Token': jwt });
    },
    cloudflare: async () => {
      const c = await send('POST', cfBase, cfH, cfBody);
      const id = (JSON.parse(c.text) as { result: { id: string } }).result.id;
      await send('DELETE', `${cfBase}/${id}`, cfH, '{}');
    },
    wizcommerce: async () => {
      const c = await send('POST', '/wizcommerce/auth/token', {}, wizBody);
      const key = (JSON.parse(c.text) as { access_token: string }).access_token;
      await send('DELETE', '/wizcommerce/auth/token', { 'X-API-Key': key });
    },
    avvyr: async () => {
      const c = await send('POST', avBase, avH, avBody);
      const id = (JSON.parse(c.text) as { data: { id: string } }).data.id;
      await send('POST', `${avBase}/${id}/revoke`, avH);
    },
  };

  // Warm up JIT and connections, then measure from a clean slate.
  const warmEnd = performance.now() + 500;
  const kinds = cfg.scenario.platforms;
  await Promise.all(
    Array.from({ length: cfg.connections }, async (_, i) => {
      while (performance.now() < warmEnd) await pair[kinds[i % kinds.length] ?? 'avvyr']();
    }),
  );
  latencies.length = 0;
  requests = 0;
  errors = 0;
  const t0 = performance.now();
  const end = t0 + cfg.seconds * 1000;
  await Promise.all(
    Array.from({ length: cfg.connections }, async (_, i) => {
      let k = i;
      while (performance.now() < end) await pair[kinds[k++ % kinds.length] ?? 'avvyr']();
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const result: ClientResult = { scenario: cfg.scenario.name, requests, errors, seconds, latenciesMs: latencies };
  process.send?.(result, () => process.exit(0));
}
