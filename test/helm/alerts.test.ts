import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenPath } from '../../operator/names.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, exampleObjects, startOperatorIn, startTestSandbox, useCluster, waitFor, waitReady, type Cluster } from '../operator/world.js';
import { ofKind, render, runTool, toolsDir } from './helm.js';

// The chart's PrometheusRule against the operator's real /metrics: every
// expression parses with Prometheus's own PromQL parser (promql-check, built
// by scripts/helm-build.sh); every metric, label and label value the
// expressions select on is in a scrape of an in-process operator that has
// issued, been rate limited (429), had a create go unanswered, and revoked;
// and each expression, evaluated by Prometheus's engine over those scrapes
// (and over copies edited to show the failure it watches for), fires exactly
// when it should.

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

/** Scrape is one /metrics answer taken to be scraped at atMs. */
interface Scrape {
  readonly atMs: number;
  readonly text: string;
}

/** The job label the ServiceMonitor's scrape adds (the metrics Service's name). */
const job = 'storefront-token-operator-metrics';

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

/** bump adds n to the value of every sample line matching a pattern (more of the same events). */
function bump(text: string, pattern: RegExp, n: number): string {
  return text.split('\n').map((l) => (pattern.test(l) ? l.replace(/ (\S+)$/, (_m, v: string) => ` ${String(Number(v) + n)}`) : l)).join('\n');
}

/** The alerts the chart promises (issue 10), by name. */
const expectedAlerts = [
  'StorefrontTokenNotReady',
  'StorefrontTokenExpiringUnrenewed',
  'StorefrontTokenRevocationsFailing',
  'StorefrontTokenCreateInDoubt',
  'StorefrontTokenOperatorNotLeading',
  'StorefrontTokenPlatformRateLimited',
];

// Labels the scrape adds (the ServiceMonitor's job, the Pod's watch namespace), not the operator.
const scrapeLabels = new Set(['job', 'sftoken_dev_watch_namespace']);

let rules: Rule[];
let checked: Checked[];

beforeAll(async () => {
  toolsDir();
  const objects = await render('storefront-token', 'storefront-token-system', { 'metrics.prometheusRule.enabled': true });
  const [rule] = ofKind(objects, 'PrometheusRule') as ({ spec: { groups: { rules: Rule[] }[] } } & (typeof objects)[number])[];
  rules = rule?.spec.groups.flatMap((g) => g.rules) ?? [];
  const res = await runTool('promql-check', [], { input: JSON.stringify(rules.map((r) => r.expr)) });
  expect(res.code, res.stderr).toBe(0);
  checked = JSON.parse(res.stdout) as Checked[];
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
    const res = await runTool('promql-check', [], { input: JSON.stringify(['sum(rate(sftoken_reconcile_total[5m])', 'sftoken_leader{job="x"} <', 'rate(sftoken_leader)']) });
    const answers = JSON.parse(res.stdout) as Checked[];
    expect(answers.map((a) => a.error !== undefined)).toEqual([true, true, true]);
  });
});

describe('PrometheusRule against a real /metrics scrape', () => {
  let cluster: Cluster;
  let sandbox: Sandbox;

  beforeAll(async () => {
    cluster = await useCluster();
    sandbox = await startTestSandbox();
  }, 900_000);

  afterAll(async () => {
    await sandbox.close();
  });

  it('every metric, label and value the rules select on is exported, and each rule fires exactly when it should', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'helm-alerts');
    // Two 429s at Avvyr (a one-second window, so Retry-After is short; the limit itself is
    // never reached) and a Cloudflare create that commits but never answers (in doubt).
    sandbox.setRateLimits({ avvyr: { limit: 1000, windowMs: 1000 } });
    sandbox.setFaults({ burst429: 2 }, 'avvyr');
    sandbox.setFaults({ dropAfterCommit: 1 }, 'cloudflare');
    const { operator } = await startOperatorIn(cluster, ns, { leaderElection: true, leaseName: `sftoken-alerts-${ns}` });
    const metrics = async (): Promise<string> => {
      const res = await fetch(`${operator.health?.url ?? ''}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const scrape = { start: '', ready: '', after: '' };
    try {
      scrape.start = await metrics();
      await applyIn(cluster, ns, [...exampleObjects('avvyr', sandbox.url), ...exampleObjects('cloudflare', sandbox.url)]);
      await waitReady(cluster, ns, 'nordic-storefront', 40_000);
      await waitReady(cluster, ns, 'edge-kv-reader', 40_000);
      // Status is written before the gauges settle only by microseconds; wait for both to read 1.
      scrape.ready = await waitFor('both tokens Ready in /metrics', async () => {
        const text = await metrics();
        return (text.match(/^sftoken_token_ready_status\{.*\} 1$/gm) ?? []).length === 2 ? text : undefined;
      });
      await cluster.kube.mergePatch(tokenPath(ns, 'nordic-storefront'), { spec: { revoked: true } });
      await waitFor('revoked', () => sandbox.inventory('avvyr').some((e) => e.state === 'revoked'));
      scrape.after = await waitFor('the revoked token in /metrics', async () => {
        const text = await metrics();
        return /^sftoken_token_ready_status\{[^}]*name="nordic-storefront"[^}]*\} 0$/m.test(text) ? text : undefined;
      });
    } finally {
      await operator.stop();
    }
    const samples = parseExposition(scrape.after);
    const expiry = Number(/^sftoken_token_expiration_timestamp_seconds\{[^}]*name="edge-kv-reader"[^}]*\} (\S+)$/m.exec(scrape.ready)?.[1]);
    expect(expiry * 1000 - Date.now(), 'the Cloudflare token expires in more than an hour').toBeGreaterThan(3_600_000);
    const selectors = checked.flatMap((c) => (c.selectors ?? []).map((s) => ({ ...s, expr: c.expr })));
    expect([...new Set(selectors.map((s) => s.metric))].sort()).toEqual([
      'sftoken_leader', 'sftoken_platform_calls_total', 'sftoken_token_expiration_timestamp_seconds', 'sftoken_token_ready_status',
    ]);
    for (const s of selectors) {
      const series = samples.filter((x) => x.name === s.metric);
      expect(series.length, `${s.metric} in the scrape (${s.expr})`).toBeGreaterThan(0);
      for (const m of s.matchers.filter((x) => !scrapeLabels.has(x.name))) {
        expect(series.some((x) => m.name in x.labels), `${s.metric} has label ${m.name}`).toBe(true);
        if (m.type === '=') expect(series.map((x) => x.labels[m.name]), `${s.metric}{${m.name}="${m.value}"} in the scrape`).toContain(m.value);
      }
    }
    // The leader gauge reads 1 on the replica that holds the Lease.
    expect(scrape.after).toMatch(/^sftoken_leader 1$/m);

    // A timeline as Prometheus would have scraped it: the process start, both
    // tokens Ready, then the revocation (or an edited copy of a scrape).
    const at = Date.UTC(2026, 0, 1, 12);
    const timeline = (ready: string, last: string, shiftMs = 0, start = scrape.start): Scrape[] => [
      { atMs: at + shiftMs - 240_000, text: start },
      { atMs: at + shiftMs - 120_000, text: ready },
      { atMs: at + shiftMs, text: last },
    ];
    const withUnknown = (t: string): string => {
      const line = /^sftoken_token_ready_status\{[^}]*name="edge-kv-reader"[^}]*\} 1$/m.exec(t)?.[0] ?? '';
      expect(line).not.toBe('');
      return `${t}\n${line.replace(/platform="[^"]*"/, 'platform="unknown"').replace(/ 1$/, ' 0')}\n`;
    };
    const noLeader = (t: string): string => t.replace(/^sftoken_leader .*$/m, 'sftoken_leader 0');
    const gone = (t: string): string => t.replace(/^sftoken_leader .*$/m, '');
    const rows: { reason: string; scrapes: Scrape[]; atMs: number; want: Record<string, string[]> }[] = [
      {
        reason: 'as scraped: the revoked token reads not Ready (the operator exports no revoked series), and the in-doubt create counts while a token is not Ready',
        scrapes: timeline(scrape.ready, scrape.after), atMs: at,
        want: { StorefrontTokenNotReady: ['nordic-storefront'], StorefrontTokenCreateInDoubt: [''] },
      },
      {
        reason: 'every token Ready: the resolved in-doubt create and a past burst of 429s do not alert',
        scrapes: timeline(scrape.ready, scrape.ready), atMs: at,
        want: {},
      },
      {
        reason: 'a stale platform="unknown" series at 0 (status written before the spec was read) is outvoted by the token\'s real series',
        scrapes: timeline(scrape.ready, withUnknown(scrape.ready)), atMs: at,
        want: {},
      },
      {
        reason: 'Avvyr keeps answering 429',
        scrapes: timeline(scrape.ready, bump(scrape.ready, /^sftoken_platform_calls_total\{platform="avvyr",.*outcome="429"\}/, 3)), atMs: at,
        want: { StorefrontTokenPlatformRateLimited: ['avvyr'] },
      },
      {
        reason: 'no replica leads',
        scrapes: timeline(noLeader(scrape.ready), noLeader(scrape.ready), 0, noLeader(scrape.start)), atMs: at,
        want: { StorefrontTokenOperatorNotLeading: [''] },
      },
      {
        reason: 'no operator scraped at all (absent() keeps the job label)',
        scrapes: timeline(gone(scrape.ready), gone(scrape.ready), 0, gone(scrape.start)), atMs: at,
        want: { StorefrontTokenOperatorNotLeading: [job] },
      },
      {
        reason: 'the revocation answered 503 at Avvyr (a new series: its first failure counts)',
        scrapes: timeline(scrape.ready, scrape.after.replace(/(operation="revoke",outcome=")2\d\d"/g, '$1503"')), atMs: at,
        want: { StorefrontTokenNotReady: ['nordic-storefront'], StorefrontTokenCreateInDoubt: [''], StorefrontTokenRevocationsFailing: ['avvyr'] },
      },
      {
        reason: 'half an hour before the Cloudflare token expires, still not renewed',
        scrapes: timeline(scrape.ready, scrape.ready, expiry * 1000 - 1_800_000 - at), atMs: expiry * 1000 - 1_800_000,
        want: { StorefrontTokenExpiringUnrenewed: ['edge-kv-reader'] },
      },
    ];
    for (const row of rows) expect(firing(await evaluate(row.scrapes, row.atMs)), row.reason).toEqual(row.want);
  }, 120_000);
});
