import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { STATE_PREFIX } from '../../provider/storefront-token/ownership.js';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import type { InventoryEntry, Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import type { RunResult } from './harness.js';
import { all, providerBlock, readSecret, shareTokenWorld, useToken, type TokenWorkspace } from './storefront-token-harness.js';

// Issue 11 item 2: an interrupted `terraform apply` must neither leak tokens
// nor wedge later runs. Each round applies 20 tokens over the four platforms
// with -parallelism=5 against a sandbox slowed to 700 ms per call, SIGKILLs
// either terraform or the provider plugin 1-6 s in, then checks that the next
// apply converges (every resource in state, every Secret a working token) and
// that destroy leaves nothing active of what the round issued, judged by the
// sandbox inventory. The only tokens allowed to survive are in-doubt creates
// on platforms that cannot list tokens, each announced by a "Create In Doubt"
// warning of the re-apply for that very resource, and only when the provider
// itself died: a provider whose engine was killed finishes the creates it
// has in flight, so then nothing may be in doubt at all.
//
// SFTOKEN_KILL_ROUNDS sets the rounds per kind and engine (default 10 for the
// first engine, 3 for the second, to keep `npm test` in budget);
// SFTOKEN_KILL_SEED replays a run's kill points.
const { engines, unavailable } = await resolveEngines();

it('has at least one Terraform-compatible engine for the interrupted-apply test', () => {
  expect(engines.map((e) => e.name), `unavailable: ${JSON.stringify(unavailable)}`).not.toHaveLength(0);
});

for (const missing of unavailable) {
  it.skip(`${missing.name} interrupted apply — unavailable: ${missing.reason}`, () => undefined);
}

const PERMISSION_GROUP = '6f7dc1aa798e6c8e0ddf671c48386a3c'; // the sandbox's "Account Settings Read"
const PLATFORMS = ['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr'] as const;
type Platform = (typeof PLATFORMS)[number];
const TOKENS = 20;
const LATENCY_MS = 700;
// npm test's time budget: 8 rounds of each kill on the first engine, 2 on the
// second; SFTOKEN_KILL_ROUNDS=10 runs the issue's ten on both.
const DEFAULT_ROUNDS = [8, 2];
// Rounds take 7-13 s on 2 cores (more when other suites run); this leaves room for a slow one.
const ROUND_BUDGET_MS = 60_000;

/** whole reads a non-negative integer setting; a typo must not turn the test into zero rounds. */
function whole(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}

const seed = whole('SFTOKEN_KILL_SEED') ?? Math.floor(Math.random() * 2 ** 31);
console.log(`interrupted apply: seed ${String(seed)} (replay with SFTOKEN_KILL_SEED=${String(seed)})`);

function roundsFor(index: number): number {
  return whole('SFTOKEN_KILL_ROUNDS') ?? DEFAULT_ROUNDS[index] ?? 1;
}

/** random is mulberry32: a small seeded generator, so a failing run's kill points can be replayed. */
function random(from: string): () => number {
  let a = createHash('sha256').update(`${String(seed)}/${from}`).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** sandboxFingerprint is the inventory's fingerprint of a value: the first 8 hex of its SHA-256. */
function sandboxFingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** providerChildren are the plugin processes terraform runs now (the launcher execs node, so they are direct children). */
function providerChildren(pid: number): number[] {
  const taskDir = `/proc/${String(pid)}/task`;
  if (!existsSync(taskDir)) return [];
  const children = readdirSync(taskDir).flatMap((task) => {
    try {
      return readFileSync(join(taskDir, task, 'children'), 'utf8').trim().split(/\s+/).filter((s) => s !== '').map(Number);
    } catch {
      return []; // the thread ended while we looked
    }
  });
  return [...new Set(children)].filter((child) => {
    try {
      return readFileSync(`/proc/${String(child)}/cmdline`, 'utf8').includes('terraform-provider-sftoken');
    } catch {
      return false;
    }
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kind is what gets killed: the engine's CLI process, or the provider plugin it runs. */
type Kind = 'cli' | 'provider';

interface Resource {
  readonly address: string;
  readonly platform: Platform;
  readonly secret: string;
  /** origin is the resource's own allowed origin, so a BigCommerce token (named by the platform, not by us) maps back to it. */
  readonly origin: string;
}

const resources: readonly Resource[] = Array.from({ length: TOKENS }, (_, i) => {
  const platform = PLATFORMS[i % PLATFORMS.length] ?? 'avvyr';
  const n = String(i).padStart(2, '0');
  return { address: `sftoken_storefront_token.t${n}`, platform, secret: `t${n}-${platform}`, origin: `https://t${n}.shop.example.test` };
});

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  readonly address?: string;
}

/**
 * diagnosticsOf reads every diagnostic of a `-json` run, one per resource:
 * the human output folds similar warnings into "and N more similar
 * warnings", which would hide all but one in-doubt create.
 */
function diagnosticsOf(result: RunResult): Diagnostic[] {
  return result.stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    const parsed = JSON.parse(line) as { type?: string; diagnostic?: Diagnostic };
    return parsed.type === 'diagnostic' && parsed.diagnostic !== undefined ? [parsed.diagnostic] : [];
  });
}

/** explain is a failed run's diagnostics (the JSON stream itself is too long to read), or its raw output. */
function explain(result: RunResult): string {
  const diagnostics = diagnosticsOf(result);
  if (diagnostics.length === 0) return all(result);
  return diagnostics.map((d) => `${d.severity}: ${d.summary} (${d.address ?? 'provider'}): ${d.detail}`).join('\n') + `\n${result.stderr}`;
}

describe.each(engines.map((engine, index) => ({ ...engine, index })))('interrupted apply with $name $version', (engine: Engine & { index: number }) => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let kubeconfigPath: string;
  const workspace = shareTokenWorld(engine, 'kill', (world) => {
    ({ sandbox, kc, kubeconfigPath } = world);
  });
  const rounds = roundsFor(engine.index);

  const block = (r: Resource, ns: string): string => {
    const p = sandbox.platforms;
    const settings: Record<Platform, string> = {
      bigcommerce: `bigcommerce = { store_hash = "${p.bigcommerce.storeHash}", channel_ids = [1], allowed_cors_origins = ["${r.origin}"] }
  lifetime    = { ttl = "1h" }`,
      cloudflare: `cloudflare = {
    account_id = "${p.cloudflare.accountId}"
    policies   = [{ permission_groups = ["${PERMISSION_GROUP}"], resources = { "com.cloudflare.api.account.${p.cloudflare.accountId}" = "*" } }]
  }`,
      wizcommerce: `wizcommerce = { account_email = "${p.wizcommerce.email}" }`,
      avvyr: `avvyr = { tenant_id = "${p.avvyr.tenantId}", allowed_origins = ["${r.origin}"] }`,
    };
    return `
resource "sftoken_storefront_token" "${r.address.split('.')[1] ?? ''}" {
  platform = "${r.platform}"
  ${settings[r.platform]}
  secret   = { name = "${r.secret}", namespace = "${ns}" }
}`;
  };

  function addressesInState(ws: TokenWorkspace): string[] {
    const path = join(ws.dir, 'terraform.tfstate');
    if (!existsSync(path)) return [];
    const text = readFileSync(path, 'utf8');
    if (text.trim() === '') return [];
    const parsed = JSON.parse(text) as { resources?: { type: string; name: string; instances: unknown[] }[] };
    return (parsed.resources ?? []).filter((r) => r.instances.length > 0).map((r) => `${r.type}.${r.name}`);
  }

  /** issuedSince is every token the sandbox issued after `before` (a set of inventory ids). */
  const issuedSince = (before: ReadonlySet<string>): InventoryEntry[] => sandbox.inventory().filter((t) => !before.has(t.id));

  // Cloudflare and Avvyr tokens are named after their Secret (Cloudflare's
  // with an in-doubt marker suffix); BigCommerce ones carry the resource's
  // origin; WizCommerce ones carry nothing of the resource.
  const resourceOf = (t: InventoryEntry): Resource | undefined =>
    resources.find((r) => r.platform === t.platform && (t.name === r.secret || t.name.startsWith(`${r.secret} ·sft:`) || t.origins.includes(r.origin)));

  /** ourSecrets are the Secrets of a round's namespace that the provider wrote: destinations and state Secrets. */
  async function ourSecrets(ns: string): Promise<string[]> {
    const list = await kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: ns });
    return list.items.map((s) => s.metadata?.name ?? '').filter((name) => name.startsWith(STATE_PREFIX) || resources.some((r) => r.secret === name));
  }

  /**
   * interruptedApply starts an apply under latency and SIGKILLs the engine or
   * its provider at `killAtMs` (polling for a provider when the engine is
   * between two). It returns what was killed, or undefined when the apply
   * finished first, once no provider of that apply is left, so the next run
   * never races a dying one.
   */
  async function interruptedApply(ws: TokenWorkspace, kind: Kind, killAtMs: number): Promise<{ result: RunResult; killed: string | undefined }> {
    let child: ChildProcess | undefined;
    let killed: string | undefined;
    const providers = new Set<number>();
    sandbox.setFaults({ latencyMs: LATENCY_MS });
    const running = ws.run(['apply', '-auto-approve', '-input=false', '-parallelism=5'], {}, (c) => {
      child = c;
    });
    const killer = (async () => {
      const started = performance.now();
      await sleep(killAtMs);
      while (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const found = providerChildren(child.pid);
        for (const pid of found) providers.add(pid);
        const target = kind === 'cli' ? child.pid : found[0];
        if (target !== undefined) {
          process.kill(target, 'SIGKILL');
          killed = `${kind === 'cli' ? engine.name : `provider ${String(target)}`} at ${String(Math.round(performance.now() - started))} ms`;
          return;
        }
        await sleep(20);
      }
    })();
    const result = await running;
    await killer;
    // The plugin notices within a second that its engine died (its parent changed) and exits.
    const deadline = performance.now() + 10_000;
    while ([...providers].some(alive) && performance.now() < deadline) await sleep(50);
    expect([...providers].filter(alive), 'provider processes of the killed apply exit on their own').toStrictEqual([]);
    // A killed provider's creates still delayed in the sandbox land now; count them as the kill left them.
    if (kind === 'provider') await sleep(LATENCY_MS + 200);
    sandbox.setFaults({ latencyMs: 0 });
    return { result, killed };
  }

  /** round runs one kill and its recovery; it returns whether the kill hit a running apply. */
  async function round(ws: TokenWorkspace, kind: Kind, i: number, killAtMs: number, orphans: Record<Platform, number>): Promise<boolean> {
    const started = performance.now();
    const label = `[${engine.name}] kill ${kind} round ${String(i)}/${String(rounds)}`;
    const ns = await freshNamespace(kc);
    const before = new Set(sandbox.inventory().map((t) => t.id));
    ws.write(providerBlock(kubeconfigPath) + resources.map((r) => block(r, ns)).join('\n'));

    const { result: killedRun, killed } = await interruptedApply(ws, kind, killAtMs);
    const phases = [`kill ${String(Math.round(performance.now() - started))}`];
    if (killed === undefined) expect(killedRun.code, `${label}: an apply that was not killed succeeds\n${all(killedRun)}`).toBe(0);
    const inState = addressesInState(ws).length;
    const activeAfterKill = issuedSince(before).filter((t) => t.state === 'active').length;
    const secretsAfterKill = (await ourSecrets(ns)).filter((name) => !name.startsWith(STATE_PREFIX)).length;

    const reapply = await ws.run(['apply', '-auto-approve', '-input=false', '-parallelism=5', '-json']);
    expect(reapply.code, `${label}: the apply after the kill must succeed\n${explain(reapply)}`).toBe(0);
    phases.push(`re-apply ${String(Math.round(reapply.ms))}`);
    expect(addressesInState(ws).sort(), `${label}: every resource is in state`).toStrictEqual(resources.map((r) => r.address).sort());
    const delivered = new Map<string, string>();
    for (const r of resources) {
      const value = (await readSecret(kc, ns, r.secret))?.['token'] ?? '';
      expect(value, `${label}: ${r.address}: its Secret holds a token`).not.toBe('');
      expect(await useToken(sandbox, r.platform, value, r.origin), `${label}: ${r.address}: its token works`).toBe(200);
      delivered.set(r.address, sandboxFingerprint(value));
    }
    const diagnostics = diagnosticsOf(reapply);
    const warnings = diagnostics.filter((d) => d.severity === 'warning' && d.summary === 'Create In Doubt');
    // A provider outlives its killed engine until its RPCs in flight are done, so every create it started is recorded.
    if (kind === 'cli') expect(warnings.map((w) => w.address), `${label}: nothing is left in doubt when only the engine died`).toStrictEqual([]);
    const issued = issuedSince(before);
    const strays = issued.filter((t) => t.state === 'active' && delivered.get(resourceOf(t)?.address ?? '') !== t.fingerprint);
    // A platform that can list or replay settles every in-doubt create; only the others may leave a stray.
    expect(strays.filter((t) => t.platform !== 'bigcommerce' && t.platform !== 'wizcommerce').map((t) => `${t.platform}:${t.name}`), `${label}: after the re-apply, listable platforms hold only the delivered tokens`).toStrictEqual([]);
    const again = await ws.run(['plan', '-input=false', '-detailed-exitcode']);
    expect(again.code, `${label}: converged, so the next plan is empty\n${all(again)}`).toBe(0);
    phases.push(`plan ${String(Math.round(again.ms))}`);

    const destroy = await ws.run(['destroy', '-auto-approve', '-input=false', '-parallelism=5']);
    expect(destroy.code, `${label}: destroy must succeed\n${all(destroy)}`).toBe(0);
    phases.push(`destroy ${String(Math.round(destroy.ms))}`);
    expect(await ourSecrets(ns), `${label}: destroy leaves no destination or state Secret`).toStrictEqual([]);
    const left = issuedSince(before).filter((t) => t.state === 'active');
    // Each warning explains at most one orphan: of its resource where the
    // token names it (by name or origin), else of a resource on its platform.
    const unclaimed = warnings.map((w) => resources.find((r) => r.address === w.address));
    const unexplained = left.filter((t) => {
      const r = resourceOf(t);
      const at = unclaimed.findIndex((w) => w !== undefined && (r === undefined ? w.platform === t.platform : w === r));
      if (at < 0) return true;
      unclaimed.splice(at, 1);
      orphans[t.platform] += 1;
      return false;
    });
    expect(unexplained.map((t) => `${t.platform}:${t.name}`), `${label}: destroy leaves nothing active but announced in-doubt orphans (in-doubt warnings: ${JSON.stringify(warnings.map((w) => w.address))})`).toStrictEqual([]);
    for (const t of left) {
      expect(['bigcommerce', 'wizcommerce'], `${label}: ${t.name}: only platforms that cannot list tokens may keep an in-doubt orphan`).toContain(t.platform);
      expect(t.expiresAt, `${label}: ${t.name}: an orphan expires on its own`).not.toBeNull();
    }
    const resumed = diagnostics.filter((d) => d.summary === 'Interrupted Apply Resumed').length;
    console.log(`${label}: kill point ${String(killAtMs)} ms, killed ${killed ?? 'nothing (the apply finished first)'}; after the kill ${String(inState)} in state, ${String(secretsAfterKill)} Secrets, ${String(activeAfterKill)} tokens active; re-apply resumed ${String(resumed)}, ${String(warnings.length)} in doubt; ${String(issued.length)} issued in all, ${String(left.length)} active after destroy; ${String(Math.round(performance.now() - started))} ms (${phases.join(', ')})`);
    return killed !== undefined;
  }

  for (const kind of ['cli', 'provider'] as const) {
    it(`SIGKILL of ${kind === 'cli' ? engine.name : 'the provider'} during a 20-token apply: the next apply converges and destroy leaves no active token (${String(rounds)} rounds)`, { timeout: rounds * ROUND_BUDGET_MS + 60_000 }, async () => {
      const ws = await workspace('');
      const rng = random(`${engine.name}/${kind}`);
      const orphans: Record<Platform, number> = { bigcommerce: 0, cloudflare: 0, wizcommerce: 0, avvyr: 0 };
      const times: number[] = [];
      let hits = 0;
      for (let i = 1; i <= rounds; i++) {
        // Stratified over 0.5-4.5 s: with few rounds the first still lands early in a ~5 s apply, where a draw over the whole range could miss every time.
        const killAtMs = 500 + Math.floor(((i - 1 + rng()) / rounds) * 4000);
        const t0 = performance.now();
        if (await round(ws, kind, i, killAtMs, orphans)) hits += 1;
        times.push(performance.now() - t0);
      }
      const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
      console.log(`[${engine.name}] kill ${kind}: ${String(hits)} of ${String(rounds)} rounds interrupted an apply, ${String(Math.round(mean))} ms per round (max ${String(Math.round(Math.max(...times)))}); in-doubt orphans ${JSON.stringify(orphans)}`);
      // A late kill point can miss a fast apply; all missing would prove nothing.
      if (rounds > 0) expect(hits, 'at least one round killed a running apply').toBeGreaterThan(0);
      if (kind === 'cli') expect(Object.values(orphans).reduce((a, b) => a + b, 0), 'no orphan when only the engine died').toBe(0);
    });
  }
});
