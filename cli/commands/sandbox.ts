import { parseArgs } from 'node:util';
import { isPlatformName, startSandbox, type CredentialOverrides, type FaultPatch, type RateLimitsPatch } from '../../sandbox/index.js';
import type { Command } from './command.js';

const USAGE = `usage: sftoken sandbox [flags]

Starts the local platform sandbox (BigCommerce, Cloudflare, WizCommerce, Avvyr)
and prints one JSON line with base URLs and seeded credentials when ready.

  --port N                  listen port; 0 picks a free port (default 0)
  --host H                  loopback address (default 127.0.0.1)
  --validate                check traffic against the OpenAPI documents
  --specs-dir DIR           vendor OpenAPI directory (default ../shared/specs)
  --no-rate-limits          turn every platform rate limit off
  --rate-limit P=N/MS       e.g. bigcommerce=150/30000 (repeatable)
  --fault-platform P        scope of the fault flags: global (default) or a platform
  --error-rate R            share of management requests answered with 5xx (0..1)
  --latency-ms N            delay before each management request
  --burst-429 N             answer the next N management requests with 429
  --drop-after-commit N     commit the next N creates, then drop the connection
  --stats-interval S        print request counts to stderr every S seconds (default 30, 0 = off)
  --bc-store-hash, --bc-access-token, --cf-account-id, --cf-api-token,
  --wiz-email, --wiz-password, --avvyr-tenant-id, --avvyr-market-ids a,b, --avvyr-api-key
                            override the seeded credentials
`;

function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a non-negative number`);
  return n;
}

function rateLimits(values: readonly string[], off: boolean): RateLimitsPatch | false | undefined {
  if (off) return false;
  if (values.length === 0) return undefined;
  const patch: Record<string, { limit: number; windowMs: number }> = {};
  for (const v of values) {
    const m = /^([a-z]+)=(\d+)\/(\d+)$/.exec(v);
    if (m?.[1] === undefined || !isPlatformName(m[1])) throw new Error(`--rate-limit expects platform=limit/windowMs, got "${v}"`);
    patch[m[1]] = { limit: Number(m[2]), windowMs: Number(m[3]) };
  }
  return patch;
}

function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** sandboxCommand runs the platform sandbox in the foreground until SIGINT or SIGTERM. */
export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'run the local four-platform token API sandbox',
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          port: { type: 'string' },
          host: { type: 'string' },
          validate: { type: 'boolean' },
          'specs-dir': { type: 'string' },
          'no-rate-limits': { type: 'boolean' },
          'rate-limit': { type: 'string', multiple: true },
          'fault-platform': { type: 'string' },
          'error-rate': { type: 'string' },
          'latency-ms': { type: 'string' },
          'burst-429': { type: 'string' },
          'drop-after-commit': { type: 'string' },
          'stats-interval': { type: 'string' },
          'bc-store-hash': { type: 'string' },
          'bc-access-token': { type: 'string' },
          'cf-account-id': { type: 'string' },
          'cf-api-token': { type: 'string' },
          'wiz-email': { type: 'string' },
          'wiz-password': { type: 'string' },
          'avvyr-tenant-id': { type: 'string' },
          'avvyr-market-ids': { type: 'string' },
          'avvyr-api-key': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }));
    } catch (err) {
      process.stderr.write(`sftoken sandbox: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
      return 2;
    }
    if (values.help === true) {
      process.stdout.write(USAGE);
      return 0;
    }
    try {
      const scope = values['fault-platform'] ?? 'global';
      if (scope !== 'global' && !isPlatformName(scope)) throw new Error('--fault-platform must be global or a platform name');
      const fault: FaultPatch = defined({
        errorRate: num(values['error-rate'], '--error-rate'),
        latencyMs: num(values['latency-ms'], '--latency-ms'),
        burst429: num(values['burst-429'], '--burst-429'),
        dropAfterCommit: num(values['drop-after-commit'], '--drop-after-commit'),
      });
      const credentials: CredentialOverrides = {
        bigcommerce: defined({ storeHash: values['bc-store-hash'], accessToken: values['bc-access-token'] }),
        cloudflare: defined({ accountId: values['cf-account-id'], apiToken: values['cf-api-token'] }),
        wizcommerce: defined({ email: values['wiz-email'], password: values['wiz-password'] }),
        avvyr: defined({ tenantId: values['avvyr-tenant-id'], apiKey: values['avvyr-api-key'], marketIds: values['avvyr-market-ids']?.split(',').filter((s) => s !== '') }),
      };
      const limits = rateLimits(values['rate-limit'] ?? [], values['no-rate-limits'] === true);
      const specsDir = values['specs-dir'];
      const sandbox = await startSandbox({
        port: num(values.port, '--port') ?? 0,
        host: values.host ?? '127.0.0.1',
        validate: values.validate === true,
        faults: { [scope]: fault },
        credentials,
        ...(limits === undefined ? {} : { rateLimits: limits }),
        ...(specsDir === undefined ? {} : { specsDir }),
      });
      process.stdout.write(`${sandbox.readyLine()}\n`);
      const interval = num(values['stats-interval'], '--stats-interval') ?? 30;
      let lastTotal = 0;
      const timer =
        interval > 0
          ? setInterval(() => {
              const s = sandbox.stats();
              if (s.total === lastTotal) return;
              lastTotal = s.total;
              process.stderr.write(`sandbox: ${s.total} requests, ${s.rateLimited} rate-limited, ${s.dropped} dropped, ${sandbox.inventory().length} tokens issued\n`);
            }, interval * 1000)
          : undefined;
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      if (timer !== undefined) clearInterval(timer);
      await sandbox.close();
      return 0;
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? ` [${String(err.code)}]` : '';
      process.stderr.write(`sftoken sandbox: ${err instanceof Error ? err.message : String(err)}${code}\n`);
      return 1;
    }
  },
};
