import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RotateAnnotation, tokenPath } from '../../operator/names.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, exampleObjects, getToken, shareWorld, startOperatorIn, waitFor, waitReady, type Cluster } from '../operator/world.js';
import { chartDir, ofKind, render, runTool, toolsDir } from './helm.js';

// The chart's PrometheusRule and Grafana dashboard against the operator's
// real /metrics: every expression parses with Prometheus's own PromQL parser
// (promql-check, built by scripts/helm-build.sh), and each alert, evaluated by
// Prometheus's engine over real scrapes, fires in the situation it names and
// stays quiet otherwise. The operator is driven into each situation for
// real: a Lease held by another replica, 429 bursts, a platform failing
// every call at renewal time and when the overlap ends, creates whose answer
// is lost. Its clock (OperatorOptions.now) is moved forward instead of
// waiting for renewal or an overlap to end; each scrape is stamped with that
// clock, which is the clock the rules are evaluated at.

/** Rule is one alerting rule of the PrometheusRule. */
interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
}

/** Checked is promql-check's answer for one expression. */
interface Checked {
  readonly expr: string;
  readonly error?: string;
  readonly type?: string;
  readonly selectors?: { metric: string; matchers: { name: string; type: string; value: string }[] }[];
}

/** Sample is one line of a Prometheus text exposition. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** parseExposition reads the sample lines of a /metrics answer. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (m === null) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, '$1');
    samples.push({ name: m[1] ?? '', labels });
  }
  return samples;
}

/** Scrape is one /metrics answer scraped at atMs. */
interface Scrape {
  readonly atMs: number;
  readonly text: string;
}

/** The job label the ServiceMonitor's scrape adds (the metrics Service's name). */
const job = 'storefront-token-operator-metrics';

/** check runs promql-check over expressions (parse errors, type, selectors). */
async function check(exprs: readonly string[]): Promise<Checked[]> {
  const res = await runTool('promql-check', [], { input: JSON.stringify(exprs) });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Checked[];
}

/** evaluate asks Prometheus's engine for every rule's value at atMs over the scrapes; returns each alert's series labels. */
async function evaluate(scrapes: readonly Scrape[], atMs: number): Promise<Map<string, Record<string, string>[]>> {
  const res = await runTool('promql-check', ['eval'], { input: JSON.stringify({ exprs: rules.map((r) => r.expr), atMs, labels: { job }, scrapes }) });
  expect(res.code, res.stderr).toBe(0);
  const answers = JSON.parse(res.stdout) as { expr: string; error?: string; series: { labels: Record<string, string> }[] }[];
  const out = new Map<string, Record<string, string>[]>();
  answers.forEach((a, i) => {
    expect(a.error, a.expr).toBeUndefined();
    out.set(rules[i]?.alert ?? '', a.series.map((x) => x.labels));
  });
  return out;
}

/** firing lists the alerts with at least one series, each series named by its token, else platform, else job. */
function firing(values: Map<string, Record<string, string>[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [alert, series] of values) if (series.length > 0) out[alert] = series.map((x) => x['name'] ?? x['platform'] ?? x['job'] ?? '').sort();
  return out;
}

/** valueOf reads one token's sample of a metric from a scrape (undefined when the series is absent). */
function valueOf(text: string, metric: string, name: string): number | undefined {
  const m = new RegExp(`^${metric}\\{[^}]*name="${name}"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** rateLimited sums a platform's 429 answers over every operation in a scrape. */
function rateLimited(text: string, platform: string): number {
  const lines = text.match(new RegExp(`^sftoken_platform_calls_total\\{platform="${platform}",[^}]*outcome="429"\\} \\S+$`, 'gm')) ?? [];
  return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** The alerts the chart promises (issue 10), by name. */
const expectedAlerts = [
  'StorefrontTokenNotReady',
  'StorefrontTokenRenewalOverdue',
  'StorefrontTokenExpiringUnrenewed',
  'StorefrontTokenPreviousNotRevoked',
  'StorefrontTokenCreateInDoubt',
  'StorefrontTokenOperatorNotLeading',
  'StorefrontTokenPlatformRateLimited',
];

// Labels the scrape adds (the ServiceMonitor's job), not the operator.
const scrapeLabels = new Set(['job']);

let rules: Rule[];
let checked: Checked[];
/** scraped holds every scrape of the real operator, for the dashboard's check. */
const scraped: Scrape[] = [];

beforeAll(async () => {
  toolsDir();
  const objects = await render('storefront-token', 'storefront-token-system', { 'metrics.prometheusRule.enabled': true });
  const [rule] = ofKind(objects, 'PrometheusRule') as ({ spec: { groups: { rules: Rule[] }[] } } & (typeof objects)[number])[];
  rules = rule?.spec.groups.flatMap((g) => g.rules) ?? [];
  checked = await check(rules.map((r) => r.expr));
}, 900_000);

describe('PrometheusRule', () => {
  it('ships the promised alerts, each with a duration', () => {
    expect(rules.map((r) => r.alert)).toEqual(expectedAlerts);
    for (const r of rules) expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
  });

  it('every expression parses with Prometheus\'s PromQL parser and yields a vector', () => {
    expect(checked.map((c) => ({ expr: c.expr, error: c.error, type: c.type }))).toEqual(rules.map((r) => ({ expr: r.expr, error: undefined, type: 'vector' })));
  });

  it('promql-check rejects what Prometheus would (the check can fail)', async () => {
    const answers = await check(['sum(rate(sftoken_reconcile_total[5m])', 'sftoken_leader{job="x"} <', 'rate(sftoken_leader)']);
    expect(answers.map((a) => a.error !== undefined)).toEqual([true, true, true]);
  });

  it('with no operator scraped at all the leader alert fires (absent() keeps the job label)', async () => {
    expect(firing(await evaluate([], Date.UTC(2026, 0, 1)))).toEqual({ StorefrontTokenOperatorNotLeading: [job] });
  });
});

describe('PrometheusRule against the real operator', () => {
  let cluster: Cluster;
  let sandbox: Sandbox;
  shareWorld((c, s) => {
    cluster = c;
    sandbox = s;
  });

  it('each alert fires in the situation it names and stays quiet otherwise', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'helm-alerts');
    const leaseName = `sftoken-alerts-${ns}`;
    const micro = (d: Date): string => d.toISOString().replace('Z', '000Z');
    // Another replica holds the Lease for an hour: this one stands by.
    await cluster.kube.send('POST', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: leaseName },
      spec: { holderIdentity: 'another-replica', leaseDurationSeconds: 3600, acquireTime: micro(new Date()), renewTime: micro(new Date()) },
    });
    // A one-second rate-limit window keeps Retry-After short; the limit itself is never reached.
    sandbox.setRateLimits({ avvyr: { limit: 1000, windowMs: 1000 } });
    let offsetMs = 0;
    const clock = (): number => Date.now() + offsetMs;
    const { operator } = await startOperatorIn(cluster, ns, { leaderElection: true, leaseName, pollIntervalMs: 60_000, now: () => new Date(clock()) });
    const metrics = async (): Promise<string> => {
      const res = await fetch(`${operator.health?.url ?? ''}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const until = (what: string, ok: (text: string) => boolean): Promise<string> => waitFor(what, async () => {
      const text = await metrics();
      return ok(text) ? text : undefined;
    }, 40_000);
    let pokes = 0;
    const poke = async (name: string): Promise<void> => {
      await cluster.kube.mergePatch(tokenPath(ns, name), { metadata: { annotations: { 'test.sftoken.dev/poke': String(++pokes) } } });
    };
    const ready = (text: string, name: string): boolean => valueOf(text, 'sftoken_token_ready_status', name) === 1;
    const failing = (text: string, name: string): boolean => valueOf(text, 'sftoken_token_ready_status', name) === 0;
    const rows: { reason: string; want: Record<string, string[]>; got: Record<string, string[]> }[] = [];
    const row = async (reason: string, want: Record<string, string[]>, text?: string): Promise<void> => {
      const scrape = { atMs: clock(), text: text ?? await metrics() };
      scraped.push(scrape);
      rows.push({ reason, want, got: firing(await evaluate(scraped, scrape.atMs)) });
    };
    const cf = 'edge-kv-reader';
    const av = 'nordic-storefront';
    try {
      await row('a standby replica while another holds the Lease: not leading', { StorefrontTokenOperatorNotLeading: [''] }, await until('standby', (t) => /^sftoken_leader 0$/m.test(t)));

      // The other replica's Lease lapses: this one leads. Two 429s from Avvyr while issuing.
      await cluster.kube.mergePatch(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${leaseName}`, { spec: { leaseDurationSeconds: 1, renewTime: micro(new Date(Date.now() - 60_000)) } });
      await waitFor('leading', () => operator.leading(), 20_000);
      sandbox.setFaults({ burst429: 2 }, 'avvyr');
      await applyIn(cluster, ns, [...exampleObjects('avvyr', sandbox.url), ...exampleObjects('cloudflare', sandbox.url)]);
      await waitReady(cluster, ns, av, 40_000);
      await waitReady(cluster, ns, cf, 40_000);
      await row('leading, both tokens Ready, the 429s seen once (no rate yet): quiet', {}, await until('both Ready', (t) => ready(t, av) && ready(t, cf) && /^sftoken_leader 1$/m.test(t)));

      // Avvyr answers 429 again at the next poll (a minute later on the operator's clock).
      const seen429 = rateLimited(scraped.at(-1)?.text ?? '', 'avvyr');
      expect(seen429).toBeGreaterThan(0);
      sandbox.setFaults({ burst429: 3 }, 'avvyr');
      offsetMs += 61_000;
      await poke(av);
      await row('Avvyr answers 429 again within five minutes', { StorefrontTokenPlatformRateLimited: ['avvyr'] },
        await until('more 429s', (t) => rateLimited(t, 'avvyr') === seen429 + 3 && ready(t, av)));
      offsetMs += 6 * 60_000;
      await row('no 429 for five minutes: quiet', {});

      // Renewal time comes while Cloudflare fails every call.
      const renewAt = Date.parse((await getToken(cluster, ns, cf))?.status?.renewAt ?? '');
      const expiresAt = Date.parse((await getToken(cluster, ns, cf))?.status?.current?.expiresAt ?? '');
      expect(renewAt).toBeLessThan(expiresAt);
      sandbox.setFaults({ errorRate: 1 }, 'cloudflare');
      offsetMs = renewAt + 60_000 - Date.now();
      await poke(cf);
      await row('a minute past renewAt, the renewal failing', { StorefrontTokenNotReady: [cf], StorefrontTokenRenewalOverdue: [cf] },
        await until('renewal failing', (t) => failing(t, cf) && valueOf(t, 'sftoken_token_renewal_timestamp_seconds', cf) === renewAt / 1000));
      offsetMs = expiresAt - 1_800_000 - Date.now();
      await poke(cf);
      await row('half an hour before expiry, still not renewed', { StorefrontTokenNotReady: [cf], StorefrontTokenRenewalOverdue: [cf], StorefrontTokenExpiringUnrenewed: [cf] });

      // Cloudflare recovers: the token rotates, and the previous one is kept for the overlap.
      sandbox.setFaults({ errorRate: 0 }, 'cloudflare');
      await poke(cf);
      await row('renewed: the previous token kept within its overlap, quiet', {},
        await until('rotated', (t) => ready(t, cf) && valueOf(t, 'sftoken_token_previous_revoke_timestamp_seconds', cf) !== undefined));
      const revokeAt = (valueOf(scraped.at(-1)?.text ?? '', 'sftoken_token_previous_revoke_timestamp_seconds', cf) ?? 0) * 1000;

      // The overlap ends while Cloudflare fails every call, and an hour passes.
      sandbox.setFaults({ errorRate: 1 }, 'cloudflare');
      offsetMs = revokeAt + 3_660_000 - Date.now();
      await poke(cf);
      await row('the previous token still kept an hour after its overlap ended', { StorefrontTokenNotReady: [cf], StorefrontTokenPreviousNotRevoked: [cf] },
        await until('revocation failing', (t) => failing(t, cf)));
      sandbox.setFaults({ errorRate: 0 }, 'cloudflare');
      await poke(cf);
      await row('the previous token revoked: quiet', {},
        await until('previous revoked', (t) => ready(t, cf) && valueOf(t, 'sftoken_token_previous_revoke_timestamp_seconds', cf) === undefined));

      // A requested rotation at Avvyr whose creates (and their replays) never get an answer.
      sandbox.setFaults({ dropAfterCommit: 1000 }, 'avvyr');
      await cluster.kube.mergePatch(tokenPath(ns, av), { metadata: { annotations: { [RotateAnnotation]: 'alerts-in-doubt' } } });
      await row('a create in doubt for a moment (not Ready, not yet an alert)', { StorefrontTokenNotReady: [av] },
        await until('in doubt', (t) => failing(t, av) && valueOf(t, 'sftoken_token_create_in_doubt_timestamp_seconds', av) !== undefined));
      offsetMs += 31 * 60_000;
      await row('the create still in doubt half an hour later', { StorefrontTokenNotReady: [av], StorefrontTokenCreateInDoubt: [av] });
      sandbox.setFaults({ dropAfterCommit: 0 }, 'avvyr');
      await poke(av);
      await row('the create settled: quiet', {},
        await until('settled', (t) => ready(t, av) && valueOf(t, 'sftoken_token_create_in_doubt_timestamp_seconds', av) === undefined));

      // revoked: true is Ready=False by request, not a failure.
      await cluster.kube.mergePatch(tokenPath(ns, av), { spec: { revoked: true } });
      await row('a token revoked by revoked: true reads not Ready and stays quiet', {},
        await until('revoked', (t) => /^sftoken_token_ready_status\{[^}]*name="nordic-storefront"[^}]*reason="Revoked"\} 0$/m.test(t)));
    } finally {
      sandbox.setFaults({ errorRate: 0, dropAfterCommit: 0, burst429: 0 }, 'cloudflare');
      sandbox.setFaults({ errorRate: 0, dropAfterCommit: 0, burst429: 0 }, 'avvyr');
      await operator.stop();
    }
    expect(rows.map((r) => ({ reason: r.reason, firing: r.got }))).toEqual(rows.map((r) => ({ reason: r.reason, firing: r.want })));

    // Every metric, label and value the rules select on is in what was scraped.
    const samples = scraped.flatMap((s) => parseExposition(s.text));
    const selectors = checked.flatMap((c) => (c.selectors ?? []).map((s) => ({ ...s, expr: c.expr })));
    expect([...new Set(selectors.map((s) => s.metric))].sort()).toEqual([
      'sftoken_leader', 'sftoken_platform_rate_limited_total', 'sftoken_token_create_in_doubt_timestamp_seconds', 'sftoken_token_expiration_timestamp_seconds',
      'sftoken_token_previous_revoke_timestamp_seconds', 'sftoken_token_ready_status', 'sftoken_token_renewal_timestamp_seconds',
    ]);
    for (const s of selectors) {
      const series = samples.filter((x) => x.name === s.metric);
      expect(series.length, `${s.metric} in the scrapes (${s.expr})`).toBeGreaterThan(0);
      for (const m of s.matchers.filter((x) => !scrapeLabels.has(x.name))) {
        expect(series.some((x) => m.name in x.labels), `${s.metric} has label ${m.name}`).toBe(true);
        if (m.type === '=' || m.type === '!=') expect(series.map((x) => x.labels[m.name]), `${s.metric}{${m.name}="${m.value}"} in the scrapes`).toContain(m.value);
      }
    }
  }, 180_000);
});

/** Target is one query of a dashboard panel. */
interface Target {
  readonly expr?: string;
}

/** Panel is one dashboard panel (rows hold none of their own queries here). */
interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly Target[];
}

/** asQuery replaces the dashboard's variables by what Grafana would send (all values selected). */
function asQuery(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('"$job"', '".+"').replaceAll('"$namespace"', '".*"');
}

describe('Grafana dashboard', () => {
  const file = readFileSync(join(chartDir, 'files', 'dashboard.json'), 'utf8');
  const dashboard = JSON.parse(file) as { panels: Panel[]; templating: { list: { name: string; query?: string | { query: string } }[] } };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));

  it('ships in a ConfigMap the Grafana sidecar picks up, only when enabled', async () => {
    const objects = await render('storefront-token', 'storefront-token-system', { 'metrics.dashboard.enabled': true, 'metrics.dashboard.annotations': { grafana_folder: 'Storefront tokens' } });
    const [map] = ofKind(objects, 'ConfigMap') as ({ data: Record<string, string> } & (typeof objects)[number])[];
    expect(map?.metadata.labels?.['grafana_dashboard']).toBe('1');
    expect(map?.metadata.annotations?.['grafana_folder']).toBe('Storefront tokens');
    expect(JSON.parse(map?.data['storefront-token.json'] ?? '')).toEqual(JSON.parse(file));
    expect(ofKind(await render('storefront-token', 'storefront-token-system'), 'ConfigMap')).toEqual([]);
  });

  it('every panel\'s expression parses and names only metrics the operator exported', async () => {
    expect(exprs.length).toBeGreaterThan(10);
    const answers = await check(exprs.map((e) => asQuery(e.expr)));
    expect(answers.map((a, i) => ({ panel: exprs[i]?.panel, error: a.error, type: a.type }))).toEqual(exprs.map((e) => ({ panel: e.panel, error: undefined, type: 'vector' })));
    // The variables' label_values() queries name a metric too.
    const variables = dashboard.templating.list.flatMap((v) => (typeof v.query === 'object' ? [v.query.query] : []));
    const variableMetrics = variables.map((q) => /^label_values\(([a-z_:]+)/.exec(q)?.[1] ?? q);
    expect(scraped.length, 'the operator was scraped above').toBeGreaterThan(0);
    const exported = new Set(scraped.flatMap((s) => parseExposition(s.text).map((x) => x.name)));
    const named = new Set([...answers.flatMap((a) => (a.selectors ?? []).map((s) => s.metric)), ...variableMetrics]);
    expect([...named].filter((m) => !exported.has(m)), 'dashboard metrics the operator does not export').toEqual([]);
    expect([...named].filter((m) => m.startsWith('sftoken_')).length).toBeGreaterThan(8);
  });
});
