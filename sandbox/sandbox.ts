import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Conformance, type Violation } from './conformance.js';
import { createControl, type ResetOptions } from './control.js';
import { FaultState, type FaultPatch, type FaultScope, type FaultSnapshot } from './faults.js';
import { Inventory, type InventoryEntry } from './inventory.js';
import { DEFAULT_RATE_LIMITS, resolveCredentials, type RateLimitsPatch, type SandboxCredentials, type SandboxOptions } from './options.js';
import { createPipeline } from './pipeline.js';
import type { PlatformModule } from './platform.js';
import { PLATFORM_NAMES, type PlatformName } from './platform-name.js';
import { createAvvyr } from './platforms/avvyr.js';
import { createBigCommerce, createBigCommerceSigner } from './platforms/bigcommerce.js';
import { createCloudflare } from './platforms/cloudflare.js';
import { createWizCommerce } from './platforms/wizcommerce.js';
import type { RateLimitConfig } from './rate-limiter.js';
import { SandboxError } from './sandbox-error.js';
import { defaultSpecsDir, readAvvyrSpec } from './spec-files.js';
import { Stats, type StatsSnapshot } from './stats.js';

/** SandboxPlatforms is each platform's base URL plus its seeded admin credentials (the shape of the ready line). */
export interface SandboxPlatforms {
  readonly bigcommerce: { readonly baseUrl: string; readonly storeHash: string; readonly storeId: number; readonly clientId: string; readonly accessToken: string };
  readonly cloudflare: { readonly baseUrl: string; readonly accountId: string; readonly apiToken: string };
  readonly wizcommerce: { readonly baseUrl: string; readonly email: string; readonly password: string };
  readonly avvyr: { readonly baseUrl: string; readonly tenantId: string; readonly marketIds: readonly string[]; readonly apiKey: string };
}

/** Sandbox is a running platform sandbox. */
export interface Sandbox {
  /** url is the origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  readonly platforms: SandboxPlatforms;
  /** jwks is the public key set that verifies BigCommerce JWTs (also served at /bigcommerce/.well-known/jwks.json). */
  readonly jwks: { keys: Record<string, unknown>[] };
  setFaults(patch: FaultPatch, scope?: FaultScope): void;
  faults(): FaultSnapshot;
  /** setRateLimits patches per-platform limits; `false` turns every limit off. */
  setRateLimits(patch: RateLimitsPatch | false): void;
  rateLimits(): Record<PlatformName, RateLimitConfig>;
  /** inventory lists every token ever issued, with its state; never a value. */
  inventory(platform?: PlatformName): InventoryEntry[];
  stats(): StatsSnapshot;
  /** violations lists OpenAPI mismatches; always empty unless started with `validate: true`. */
  violations(): Violation[];
  /**
   * issuedValues returns every token value ever issued or rolled in this run (test-only: it
   * throws unless started with `retainIssuedValues: true`; nothing serves it over HTTP).
   */
  issuedValues(platform?: PlatformName): string[];
  /** reset clears faults, and optionally tokens, stats, violations and rate-limit changes. */
  reset(options?: ResetOptions): void;
  /** readyLine is the single JSON line `sftoken sandbox` prints when ready. */
  readyLine(): string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function applyLimits(base: Record<PlatformName, RateLimitConfig>, patch: RateLimitsPatch | false | undefined): Record<PlatformName, RateLimitConfig> {
  const out = { ...base };
  if (patch === undefined) return out;
  for (const p of PLATFORM_NAMES) {
    const change = patch === false ? false : patch[p];
    if (change === undefined) continue;
    out[p] = change === false ? { ...out[p], enabled: false } : { ...out[p], enabled: true, ...change };
  }
  return out;
}

/** startSandbox starts the four-platform sandbox on a loopback port and resolves once it is listening. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new SandboxError('SANDBOX_BAD_OPTION', `host must be a loopback address, got ${host}`);
  const now = options.now ?? Date.now;
  const credentials: SandboxCredentials = resolveCredentials(options.credentials);
  const startLimits = applyLimits({ ...DEFAULT_RATE_LIMITS }, options.rateLimits);
  const inventory = new Inventory({ retainValues: options.retainIssuedValues === true });
  const faults = new FaultState();
  for (const [scope, patch] of Object.entries(options.faults ?? {}) as [FaultScope, FaultPatch][]) faults.set(patch, scope);
  const stats = new Stats();
  const avvyrYaml = readAvvyrSpec();
  const conformance = options.validate === true ? await Conformance.load(options.specsDir ?? defaultSpecsDir(), avvyrYaml) : undefined;
  const signer = createBigCommerceSigner();

  const modules: Record<PlatformName, PlatformModule> = {
    bigcommerce: createBigCommerce({ credentials: credentials.bigcommerce, inventory, rateLimit: startLimits.bigcommerce, signer }),
    cloudflare: createCloudflare({ credentials: credentials.cloudflare, inventory, rateLimit: startLimits.cloudflare }),
    wizcommerce: createWizCommerce({ credentials: credentials.wizcommerce, inventory, rateLimit: startLimits.wizcommerce }),
    avvyr: createAvvyr({ credentials: credentials.avvyr, inventory, rateLimit: startLimits.avvyr, openApiYaml: avvyrYaml }),
  };
  const currentLimits = (): Record<PlatformName, RateLimitConfig> => {
    const out = {} as Record<PlatformName, RateLimitConfig>;
    for (const p of PLATFORM_NAMES) out[p] = modules[p].limiter.current();
    return out;
  };

  const describe = () => ({ ready: true, url: sandbox.url, platforms: sandbox.platforms });
  const sandbox: Sandbox = {
    url: '',
    port: 0,
    platforms: endpoints('', credentials),
    jwks: signer.jwks,
    setFaults: (patch, scope) => {
      faults.set(patch, scope);
    },
    faults: () => faults.snapshot(),
    setRateLimits: (patch) => {
      const next = applyLimits(currentLimits(), patch);
      for (const p of PLATFORM_NAMES) modules[p].limiter.configure(next[p]);
    },
    rateLimits: currentLimits,
    inventory: (platform) => inventory.entries(now(), platform),
    stats: () => stats.snapshot(),
    violations: () => conformance?.violations() ?? [],
    issuedValues: (platform) => {
      const values = inventory.issuedValues(platform);
      if (values === undefined) throw new SandboxError('SANDBOX_BAD_OPTION', 'issuedValues needs a sandbox started with retainIssuedValues: true');
      return values;
    },
    reset: (o = {}) => {
      faults.reset();
      if (o.tokens === true) {
        inventory.clear();
        for (const p of PLATFORM_NAMES) modules[p].clearTokens();
      }
      if (o.stats === true) stats.reset();
      if (o.violations === true) conformance?.clear();
      if (o.rateLimits === true) for (const p of PLATFORM_NAMES) modules[p].limiter.configure(startLimits[p]);
    },
    readyLine: () => JSON.stringify(describe()),
    close: () => closeServer(server),
  };

  const server = createServer(
    { keepAliveTimeout: 65_000 },
    createPipeline({
      platforms: PLATFORM_NAMES.map((p) => modules[p]),
      faults,
      stats,
      conformance: () => conformance,
      now,
      random: options.random ?? Math.random,
      control: createControl({
        setFaults: (patch, scope) => {
          sandbox.setFaults(patch, scope);
        },
        faults: () => sandbox.faults(),
        setRateLimits: (patch) => {
          sandbox.setRateLimits(patch);
        },
        rateLimits: () => sandbox.rateLimits(),
        inventory: (platform) => sandbox.inventory(platform),
        stats: () => sandbox.stats(),
        violations: () => sandbox.violations(),
        reset: (o) => {
          sandbox.reset(o);
        },
        describe,
      }),
    }),
  );
  const port = await listen(server, options.port ?? 0, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  Object.assign(sandbox, { url: origin, port, platforms: endpoints(origin, credentials) });
  return sandbox;
}

function endpoints(origin: string, c: SandboxCredentials): SandboxPlatforms {
  return {
    bigcommerce: { baseUrl: `${origin}/bigcommerce`, storeHash: c.bigcommerce.storeHash, storeId: c.bigcommerce.storeId, clientId: c.bigcommerce.clientId, accessToken: c.bigcommerce.accessToken },
    cloudflare: { baseUrl: `${origin}/cloudflare/client/v4`, accountId: c.cloudflare.accountId, apiToken: c.cloudflare.apiToken },
    wizcommerce: { baseUrl: `${origin}/wizcommerce`, email: c.wizcommerce.email, password: c.wizcommerce.password },
    avvyr: { baseUrl: `${origin}/avvyr`, tenantId: c.avvyr.tenantId, marketIds: c.avvyr.marketIds, apiKey: c.avvyr.apiKey },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (cause) => {
      reject(new SandboxError('SANDBOX_LISTEN_FAILED', `cannot listen on ${host}:${port}`, { cause }));
    });
    server.listen(port, host, () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
