import { describe, expect, it } from 'vitest';
import { RevokePreviousNowAnnotation, RotateAnnotation, tokenPath } from '../../operator/names.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import type { Sandbox } from '../../sandbox/index.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, secretValue, shareWorld, startOperatorIn, waitFor, waitReady, type Cluster } from './world.js';

// The per-token series of /metrics, driven the way a user drives a token:
// kubectl apply, the rotate and leak-response annotations, revoked: true,
// kubectl delete. Each series is checked against the token's status (the
// values must agree), the rotation and revocation counters against what
// was done, and a deleted token must leave no series behind.

let cluster: Cluster;
let sandbox: Sandbox;
shareWorld((c, s) => {
  cluster = c;
  sandbox = s;
});

const cf = 'edge-kv-reader';
const av = 'nordic-storefront';

/** seconds is an RFC 3339 time as the Unix seconds a gauge shows. */
const seconds = (iso: string | undefined): number => Date.parse(iso ?? '') / 1000;

/** TokenSeries are one token's per-token samples in a scrape, by metric (ready_status keyed by reason). */
function tokenSeries(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(sftoken_token_[a-z_]+)\{([^}]*)\} (\S+)$/gm)) {
    const labels = m[2] ?? '';
    if (!labels.includes(`name="${name}"`)) continue;
    const reason = /reason="([^"]*)"/.exec(labels)?.[1];
    out[reason === undefined ? m[1] ?? '' : `${m[1] ?? ''}{${reason}}`] = Number(m[3]);
  }
  return out;
}

/** counter reads a counter's sample with exact labels (0 when absent). */
function counter(text: string, metric: string, platform: string, reason: string): number {
  const m = new RegExp(`^${metric}\\{platform="${platform}",reason="${reason}"\\} (\\S+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

describe('per-token metrics', () => {
  it('follow status through issue, rotate now, leak response, revoked: true and deletion', async () => {
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'metrics');
    const { operator } = await startOperatorIn(cluster, ns);
    const scrape = async (): Promise<string> => (await fetch(`${operator.health?.url ?? ''}/metrics`)).text();
    const token = (name: string): Promise<StorefrontTokenObject | undefined> => getToken(cluster, ns, name);
    const settled = (what: string, ok: (t: StorefrontTokenObject | undefined, text: string) => boolean): Promise<{ t: StorefrontTokenObject | undefined; text: string }> =>
      waitFor(what, async () => {
        const t = await token(cf);
        const text = await scrape();
        return ok(t, text) ? { t, text } : undefined;
      }, 30_000);
    try {
      await applyIn(cluster, ns, [...exampleObjects('avvyr', sandbox.url), ...exampleObjects('cloudflare', sandbox.url)]);
      await waitReady(cluster, ns, av, 30_000);
      await waitReady(cluster, ns, cf, 30_000);

      // Issued: expiry and renewal agree with status; no previous token, nothing in doubt.
      let { t, text } = await settled('issued in /metrics', (x, s) => tokenSeries(s, cf)['sftoken_token_ready_status{Ready}'] === 1 && x?.status?.renewAt !== undefined);
      expect(tokenSeries(text, cf)).toEqual({
        'sftoken_token_ready_status{Ready}': 1,
        sftoken_token_expiration_timestamp_seconds: seconds(t?.status?.current?.expiresAt),
        sftoken_token_renewal_timestamp_seconds: seconds(t?.status?.renewAt),
      });
      // Avvyr tokens never expire: readiness only.
      expect(tokenSeries(text, av)).toEqual({ 'sftoken_token_ready_status{Ready}': 1 });
      expect(text).toMatch(/^sftoken_token_ready_status\{namespace="[^"]+",name="edge-kv-reader",platform="cloudflare",reason="Ready"\} 1$/m);
      const value = secretValue(await getSecret(cluster, ns, 'edge-kv-reader-token'), 'CLOUDFLARE_API_TOKEN') ?? '';
      expect(value.length).toBeGreaterThan(10);
      expect(text).not.toContain(value);

      // Rotate now: one rotation (Requested), the previous token's revoke time is status.previous.revokeAt.
      await cluster.kube.mergePatch(tokenPath(ns, cf), { metadata: { annotations: { [RotateAnnotation]: 'm1' } } });
      ({ t, text } = await settled('rotated in /metrics', (x, s) => x?.status?.lastRotateRequest === 'm1' && condition(x, 'Ready')?.status === 'True' && tokenSeries(s, cf)['sftoken_token_previous_revoke_timestamp_seconds'] !== undefined));
      expect(counter(text, 'sftoken_token_rotations_total', 'cloudflare', 'Requested')).toBe(1);
      expect(tokenSeries(text, cf)).toEqual({
        'sftoken_token_ready_status{Ready}': 1,
        sftoken_token_expiration_timestamp_seconds: seconds(t?.status?.current?.expiresAt),
        sftoken_token_renewal_timestamp_seconds: seconds(t?.status?.renewAt),
        sftoken_token_previous_revoke_timestamp_seconds: seconds(t?.status?.previous?.revokeAt),
      });

      // Leak response while the previous token is still in its overlap: it is
      // revoked first (at most two valid), then the leaked one at once.
      await cluster.kube.mergePatch(tokenPath(ns, cf), { metadata: { annotations: { [RotateAnnotation]: 'm2', [RevokePreviousNowAnnotation]: 'true' } } });
      ({ t, text } = await settled('leak response in /metrics', (x, s) => x?.status?.lastRotateRequest === 'm2' && x.status.previous === undefined && counter(s, 'sftoken_token_revocations_total', 'cloudflare', 'Leaked') === 1));
      expect({
        rotations: { Requested: counter(text, 'sftoken_token_rotations_total', 'cloudflare', 'Requested'), Leaked: counter(text, 'sftoken_token_rotations_total', 'cloudflare', 'Leaked') },
        revocations: { AtMostTwo: counter(text, 'sftoken_token_revocations_total', 'cloudflare', 'AtMostTwo'), Leaked: counter(text, 'sftoken_token_revocations_total', 'cloudflare', 'Leaked'), OverlapEnded: counter(text, 'sftoken_token_revocations_total', 'cloudflare', 'OverlapEnded') },
      }).toEqual({ rotations: { Requested: 1, Leaked: 1 }, revocations: { AtMostTwo: 1, Leaked: 1, OverlapEnded: 0 } });
      expect(tokenSeries(text, cf)['sftoken_token_previous_revoke_timestamp_seconds']).toBeUndefined();
      expect(sandbox.inventory('cloudflare').filter((e) => e.state === 'active')).toHaveLength(1);

      // revoked: true: one revocation (Revoked); the token reads not Ready with reason Revoked and has no expiry or renewal.
      await cluster.kube.mergePatch(tokenPath(ns, cf), { spec: { revoked: true } });
      ({ text } = await settled('revoked in /metrics', (_x, s) => tokenSeries(s, cf)['sftoken_token_ready_status{Revoked}'] === 0));
      expect(tokenSeries(text, cf)).toEqual({ 'sftoken_token_ready_status{Revoked}': 0 });
      expect(counter(text, 'sftoken_token_revocations_total', 'cloudflare', 'Revoked')).toBe(1);

      // kubectl delete: every series of the deleted token goes; the other token's stay.
      await cluster.kube.send('DELETE', tokenPath(ns, cf));
      ({ text } = await settled('deleted token gone from /metrics', (x, s) => x === undefined && Object.keys(tokenSeries(s, cf)).length === 0));
      expect(text).not.toContain(`name="${cf}"`);
      expect(tokenSeries(text, av)).toEqual({ 'sftoken_token_ready_status{Ready}': 1 });
      await cluster.kube.send('DELETE', tokenPath(ns, av));
      ({ text } = await waitFor('avvyr token gone from /metrics', async () => {
        const s = await scrape();
        return s.includes(`name="${av}"`) ? undefined : { text: s };
      }, 30_000));
      // Deletion with the default policy (Revoke) counts as Deleted.
      expect(counter(text, 'sftoken_token_revocations_total', 'avvyr', 'Deleted')).toBe(1);
    } finally {
      await operator.stop();
    }
  }, 120_000);
});
