import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformName } from '../../core/schema/platform.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { secretPath } from '../../kube/index.js';
import { resolveEngines, type Engine } from '../../provider/tooling/engines.js';
import type { InventoryEntry, Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { exampleObjects, startTestSandbox, useCluster, type Cluster } from '../operator/world.js';
import { prepareRealProvider, type RealProvider } from '../terraform/storefront-token-harness.js';
import { exampleToken, OperatorFrontEnd, TerraformFrontEnd, type ExampleToken, type FrontEnd } from './front-ends.js';
import { callsBetween, formatCalls, matches, phaseTokens, snapshotOf, writeCount, writesIn, type Calls, type Matcher, type Snapshot, type SpecInput } from './snapshot.js';

// The parity suite: one table of scenarios, each run through both front
// ends (the operator in-process against the real control plane, and the
// real provider bundle under Terraform) against one sandbox per scenario.
// For each scenario both front ends must make the same platform write calls
// (by operation and status, from the sandbox's counters), leave the tokens
// they issued in the same states, and write the same destination Secret
// (keys, and the meaning of every value) after every step. Reads are
// counted but not compared: the operator polls the platform, Terraform
// reads at every refresh.
//
// Each step names its expected world; the operator is waited for until it
// gets there (it acts on its own), Terraform must be there when its command
// returns. Where the two front ends legitimately act at different moments,
// the row says how both are driven to the same point.

/** StepContext is what a provocation or a wait can see of one phase. */
interface StepContext {
  readonly sandbox: Sandbox;
  readonly cluster: Cluster;
  readonly front: FrontEnd;
  /** spec is the spec last applied. */
  readonly spec: SpecInput;
  /** tokens are the tokens issued in this phase so far, in issue order. */
  readonly tokens: () => InventoryEntry[];
}

/** A Step is one thing a user (or the world) does, and what the world looks like after it. */
type Step =
  | { readonly do: 'apply'; readonly spec?: (spec: SpecInput) => SpecInput; readonly expect: Matcher }
  | { readonly do: 'settle'; readonly expect: Matcher }
  | { readonly do: 'remove'; readonly expect: Matcher }
  | { readonly do: 'provoke'; readonly run: (ctx: StepContext) => Promise<void> }
  | { readonly do: 'wait' | 'idle'; readonly ms: (ctx: StepContext) => Promise<number> };

/** A Scenario is one row of the table. */
interface Scenario {
  readonly name: string;
  readonly reason: string;
  readonly example: PlatformName;
  /** base patches the example's spec before the first apply. */
  readonly base?: (spec: SpecInput) => SpecInput;
  readonly steps: readonly Step[];
  /** calls are the platform write calls expected of either front end (formatCalls). */
  readonly calls: string;
}

const apply = (expect: Matcher, spec?: (spec: SpecInput) => SpecInput): Step => (spec === undefined ? { do: 'apply', expect } : { do: 'apply', spec, expect });
const settle = (expect: Matcher): Step => ({ do: 'settle', expect });
const remove = (expect: Matcher): Step => ({ do: 'remove', expect });
const provoke = (run: (ctx: StepContext) => Promise<void>): Step => ({ do: 'provoke', run });

const patch = (spec: SpecInput, field: string, value: Record<string, unknown>): SpecInput => ({ ...spec, [field]: { ...(spec[field] as Record<string, unknown>), ...value } });
const keysOf = (spec: SpecInput): { token: string } => storefrontTokenSpecSchema.parse(spec).secret.keys;
const secretNameOf = (spec: SpecInput): string => (spec['secret'] as { name: string }).name;

async function secretTime(ctx: StepContext, key: (spec: SpecInput) => string): Promise<number> {
  const text = (await ctx.front.secret(secretNameOf(ctx.spec)))?.data[key(ctx.spec)] ?? '';
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new Error(`the Secret has no time under its ${key(ctx.spec)} key`);
  return at;
}

/** untilOverlapEnds waits past the previous token's end, as the Secret announces it. */
const untilOverlapEnds: Step = { do: 'wait', ms: async (ctx) => Math.max(0, (await secretTime(ctx, () => 'previousExpiresAt')) - Date.now() + 500) };
/** untilExpired lets the current token expire, as the Secret announces it, with the front end idle. */
const untilExpired: Step = { do: 'idle', ms: async (ctx) => Math.max(0, (await secretTime(ctx, (s) => storefrontTokenSpecSchema.parse(s).secret.keys.expiresAt)) - Date.now() + 1500) };

const deleteSecret = provoke(async ({ cluster, front, spec }) => {
  await cluster.kube.send('DELETE', secretPath(front.namespace, secretNameOf(spec)));
});
const editSecret = provoke(async ({ cluster, front, spec }) => {
  await cluster.kube.mergePatch(secretPath(front.namespace, secretNameOf(spec)), { stringData: { [keysOf(spec).token]: 'tampered' } });
});
const dropNextCreate = (platform: PlatformName): Step => provoke(({ sandbox }) => {
  sandbox.setFaults({ dropAfterCommit: 1 }, platform);
  return Promise.resolve();
});
const revokeAvvyrBehindOurBack = provoke(async ({ sandbox, tokens }) => {
  const av = sandbox.platforms.avvyr;
  const id = tokens()[0]?.id ?? '';
  const res = await fetch(`${av.baseUrl}/v1/tenants/${av.tenantId}/storefront-tokens/${id}/revoke`, { method: 'POST', headers: { Authorization: `Bearer ${av.apiKey}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`revoking at the platform answered ${res.status}`);
});

const issued: Matcher = { inventory: 'active', secret: { token: '#1', previousToken: 'absent' }, state: 'kept' };

const scenarios: readonly Scenario[] = [
  {
    name: 'first issue',
    reason: 'a new resource issues one token and publishes it with its expiry, origins and id',
    example: 'bigcommerce',
    steps: [apply({ ...issued, secret: { token: '#1', expiresAt: 'platform', origins: 'https://shop.example.com', tokenId: '#1', previousToken: 'absent', previousExpiresAt: 'absent', annotations: 'reloader.stakater.com/match=true fingerprint=#1' } })],
    calls: 'createToken×1',
  },
  {
    name: 'in-place change (Avvyr origins)',
    reason: 'an inPlace field is updated on the existing token: no new token, the origins key follows',
    example: 'avvyr',
    steps: [
      apply({ ...issued, platformOrigins: 'https://se.shop.example.com' }),
      apply({ inventory: 'active', platformOrigins: 'https://no.shop.example.com', secret: { token: '#1', origins: 'https://no.shop.example.com' } }, (s) => patch(s, 'avvyr', { allowedOrigins: ['https://no.shop.example.com'] })),
    ],
    calls: 'createMarketStorefrontToken×1 updateStorefrontToken×1',
  },
  {
    // Terraform acts only on apply: the operator revokes the previous token
    // on its own when the overlap ends, Terraform at the next apply after it.
    name: 'rotation with overlap (BigCommerce origins)',
    reason: 'a rotate field issues a new token, keeps the previous one as previousToken for the overlap, then revokes it',
    example: 'bigcommerce',
    base: (s) => ({ ...s, rotation: { renewBefore: '240h', overlap: '3s' } }),
    steps: [
      apply(issued),
      apply({ inventory: 'active,active', secret: { token: '#2', previousToken: '#1', previousExpiresAt: 'set', origins: 'https://new.example.com' } }, (s) => patch(s, 'bigcommerce', { allowedCorsOrigins: ['https://new.example.com'] })),
      untilOverlapEnds,
      settle({ inventory: 'revoked,active', secret: { token: '#2', previousToken: 'absent', previousExpiresAt: 'absent' }, state: 'kept history=Changed' }),
    ],
    calls: 'createToken×2 revokeToken×1',
  },
  {
    // The operator republishes on the Secret's watch event; Terraform on the next apply (the refresh sees it missing).
    name: 'Secret deleted',
    reason: 'a deleted Secret is published again from the durable copy, without a new token',
    example: 'wizcommerce',
    steps: [apply(issued), deleteSecret, settle(issued)],
    calls: 'createToken×1',
  },
  {
    name: 'Secret edited',
    reason: 'an edited token value is put back from the durable copy, without a new token',
    example: 'avvyr',
    steps: [apply(issued), editSecret, settle(issued)],
    calls: 'createMarketStorefrontToken×1',
  },
  {
    // The operator notices on its next poll (1 s here); Terraform at the next
    // refresh. One of the two revokes is the test's, the other the engine's
    // retiring the dead token (Avvyr's revoke is idempotent).
    name: 'token revoked at the platform',
    reason: 'a token revoked behind our back is replaced and the dead one retired at once (no overlap)',
    example: 'avvyr',
    steps: [apply(issued), revokeAvvyrBehindOurBack, settle({ inventory: 'revoked,active', secret: { token: '#2', previousToken: 'absent' }, state: 'kept history=Repaired' })],
    calls: 'createMarketStorefrontToken×2 revokeStorefrontToken×2',
  },
  {
    // The operator would renew before expiry; it is stopped meanwhile (idle),
    // as Terraform is between applies, so both meet an expired token.
    name: 'token expired',
    reason: 'an expired token is replaced, not renewed: no overlap with a dead token',
    example: 'cloudflare',
    base: (s) => ({ ...s, lifetime: { ttl: '6s' }, rotation: { renewBefore: '1s', overlap: '1s' } }),
    steps: [apply(issued), untilExpired, settle({ inventory: 'revoked,active', secret: { token: '#2', previousToken: 'absent', expiresAt: 'platform' }, state: 'kept history=Repaired' })],
    calls: 'createToken×2 deleteToken×1',
  },
  {
    name: 'create in doubt (Avvyr)',
    reason: 'a create committed but unanswered is replayed by its idempotency key; without a value the found token is revoked and a new one issued',
    example: 'avvyr',
    steps: [dropNextCreate('avvyr'), apply({ inventory: 'revoked,active', secret: { token: '#2' }, state: 'kept' })],
    // Three creates answer: the HTTP layer's own retry of the idempotent
    // create (a replay, no value: still in doubt), the engine's resolving
    // replay (found, no value: revoked), and the new token's create.
    calls: 'createMarketStorefrontToken×3 createMarketStorefrontToken:0×1 revokeStorefrontToken×1',
  },
  {
    name: 'create in doubt (Cloudflare)',
    reason: 'a create committed but unanswered is found by its name marker and rolled: one token, delivered',
    example: 'cloudflare',
    steps: [dropNextCreate('cloudflare'), apply({ inventory: 'active', secret: { token: '#1', tokenId: '#1' }, state: 'kept' })],
    calls: 'createToken:0×1 listTokens×1 rollToken×1',
  },
  {
    name: 'create in doubt (BigCommerce)',
    reason: 'a platform that can neither list nor replay leaves the orphan to expire and issues again',
    example: 'bigcommerce',
    steps: [dropNextCreate('bigcommerce'), apply({ inventory: 'active,active', secret: { token: '#2' }, state: 'kept history=- notes=1' })],
    calls: 'createToken×1 createToken:0×1',
  },
  {
    name: 'create in doubt (WizCommerce)',
    reason: 'as BigCommerce: the orphan cannot be found, so it is noted and a new token issued',
    example: 'wizcommerce',
    steps: [dropNextCreate('wizcommerce'), apply({ inventory: 'active,active', secret: { token: '#2' }, state: 'kept history=- notes=1' })],
    calls: 'createToken×1 createToken:0×1',
  },
  {
    name: 'revoked: true',
    reason: 'revocation revokes at the platform (WizCommerce: with the kept value) and empties the token key under onRevoke Empty',
    example: 'wizcommerce',
    steps: [apply(issued), apply({ inventory: 'revoked', secret: { token: '', previousToken: 'absent', annotations: 'revoked=true' }, state: 'kept history=Revoked notes=0 revoked' }, (s) => ({ ...s, revoked: true }))],
    calls: 'createToken×1 revokeToken×1',
  },
  {
    // The operator's destination goes by garbage collection (owner
    // reference); the provider deletes the Secret it owns by annotation.
    name: 'delete with Revoke',
    reason: 'deleting the resource revokes its token and removes the Secret and the durable state',
    example: 'cloudflare',
    steps: [apply(issued), remove({ inventory: 'revoked', secret: 'absent', state: 'gone' })],
    calls: 'createToken×1 deleteToken×1',
  },
  {
    // Ownership marks differ by design and are not compared: the operator
    // drops its owner reference and labels and adds sftoken.dev/orphaned;
    // the provider leaves its owner annotation (a resource id no longer in state).
    name: 'delete with Orphan',
    reason: 'deletionPolicy Orphan leaves the token valid and the Secret in place; only the durable state goes',
    example: 'avvyr',
    base: (s) => ({ ...s, deletionPolicy: 'Orphan' }),
    steps: [apply(issued), remove({ inventory: 'active', secret: { token: '#1' }, state: 'gone' })],
    calls: 'createMarketStorefrontToken×1',
  },
];

/** A Phase is one front end's run of a scenario. */
interface Phase {
  readonly snapshots: readonly Snapshot[];
  readonly writes: Calls;
  readonly reads: number;
  readonly ms: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The operator is done when the world matches, its status caught up, and the
// platform has seen no write for a while (nothing trailing behind); the
// world must still match after that quiet spell.
async function settled(front: FrontEnd, sandbox: Sandbox, look: () => Promise<Snapshot>, expected: Matcher, what: string): Promise<Snapshot> {
  const deadline = Date.now() + 30_000;
  let last: Snapshot | undefined;
  while (Date.now() < deadline) {
    last = await look();
    if (matches(last, expected) && (await front.converged())) {
      await quiet(sandbox);
      last = await look();
      if (matches(last, expected)) return last;
    }
    await sleep(100);
  }
  throw new Error(`${front.name} never reached ${what}: wanted ${JSON.stringify(expected)}, last saw ${JSON.stringify(last)}`);
}

async function quiet(sandbox: Sandbox): Promise<void> {
  let writes = writesIn(sandbox.stats());
  for (let still = 0; still < 3;) {
    await sleep(200);
    const now = writesIn(sandbox.stats());
    still = now === writes ? still + 1 : 0;
    writes = now;
  }
}

async function runPhase(front: FrontEnd, row: Scenario, example: ExampleToken, world: { sandbox: Sandbox; cluster: Cluster }): Promise<Phase> {
  const { sandbox, cluster } = world;
  const started = performance.now();
  const stats = sandbox.stats();
  const before = new Set(sandbox.inventory(row.example).map((e) => e.id));
  const tokens = (): InventoryEntry[] => phaseTokens(sandbox, row.example, before);
  let spec = row.base?.(example.spec) ?? example.spec;
  const look = async (): Promise<Snapshot> => snapshotOf(spec, await front.secret(secretNameOf(spec)), tokens(), await front.state(secretNameOf(spec)));
  const snapshots: Snapshot[] = [];
  for (const [i, step] of row.steps.entries()) {
    const ctx: StepContext = { sandbox, cluster, front, spec, tokens };
    switch (step.do) {
      case 'apply':
        spec = step.spec?.(spec) ?? spec;
        await front.apply(spec);
        break;
      case 'settle':
        await front.settle();
        break;
      case 'remove':
        await front.remove();
        break;
      case 'provoke':
        await step.run(ctx);
        continue;
      case 'wait':
        await sleep(await step.ms(ctx));
        continue;
      case 'idle':
        await front.idle(await step.ms(ctx));
        continue;
    }
    snapshots.push(front.name === 'operator' ? await settled(front, sandbox, look, step.expect, `step ${i + 1} of "${row.name}"`) : await look());
  }
  const { writes, reads } = callsBetween(stats, sandbox.stats());
  return { snapshots, writes, reads, ms: performance.now() - started };
}

/** A Row of the printed table. */
interface Row {
  readonly scenario: string;
  readonly operator: Phase;
  readonly terraform: Phase;
  readonly equal: boolean;
}

const results: Row[] = [];

function printTable(rows: readonly Row[]): void {
  const lines = rows.map((r) => [r.scenario, formatCalls(r.operator.writes), formatCalls(r.terraform.writes), `${r.operator.reads}/${r.terraform.reads}`, r.equal ? 'yes' : 'NO', `${(r.operator.ms / 1000).toFixed(1)}/${(r.terraform.ms / 1000).toFixed(1)}`]);
  const header = ['scenario', 'operator calls', 'provider calls', 'reads op/tf', 'equal?', 's op/tf'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const fmt = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(['', fmt(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(fmt), ''].join('\n'));
}

const { engines } = await resolveEngines({ buildOpenTofu: false });
// One engine is enough here (both run the full end-to-end suites elsewhere); prefer Terraform.
const engine: Engine | undefined = engines.find((e) => e.name === 'terraform') ?? engines[0];

describe.skipIf(engine === undefined)(`parity: operator and provider (${engine?.name ?? 'no engine'} ${engine?.version ?? ''})`, () => {
  let cluster: Cluster;
  let provider: RealProvider | undefined;
  beforeAll(async () => {
    [cluster, provider] = await Promise.all([useCluster(), prepareRealProvider()]);
  }, 900_000);
  afterAll(() => {
    if (results.length > 0) printTable(results);
    if (provider !== undefined) rmSync(provider.root, { recursive: true, force: true });
  });

  it.for(scenarios)('$name: $reason', { timeout: 240_000 }, async (row) => {
    if (engine === undefined || provider === undefined) throw new Error('the parity suite runs only with an engine and the provider bundle');
    const sandbox = await startTestSandbox();
    try {
      const example = exampleToken(exampleObjects(row.example, sandbox.url));
      const world = { sandbox, cluster };
      const operator = await OperatorFrontEnd.start(cluster, await freshNamespace(cluster.cp.kubeConfig(), 'parity-op'), example);
      const op = await runPhase(operator, row, example, world).finally(() => operator.close());
      const terraform = await TerraformFrontEnd.open({ provider, engine, sandbox, cluster }, await freshNamespace(cluster.cp.kubeConfig(), 'parity-tf'), `p${results.length}`);
      const tf = await runPhase(terraform, row, example, world).finally(() => terraform.close());
      results.push({ scenario: row.name, operator: op, terraform: tf, equal: formatCalls(op.writes) === formatCalls(tf.writes) && JSON.stringify(op.snapshots) === JSON.stringify(tf.snapshots) });

      expect(formatCalls(op.writes), 'the operator made the platform calls this scenario is about').toBe(row.calls);
      expect(writeCount(tf.writes)).toBeGreaterThan(0);
      expect(formatCalls(tf.writes), 'the provider made the same platform calls').toBe(formatCalls(op.writes));
      for (const [i, snapshot] of tf.snapshots.entries()) {
        expect(snapshot, `after step ${i + 1} the provider's world is the operator's`).toEqual(op.snapshots[i]);
      }
      expect(tf.snapshots).toHaveLength(op.snapshots.length);
    } finally {
      sandbox.setFaults({ dropAfterCommit: 0 }, row.example);
      await sandbox.close();
    }
  });
});
