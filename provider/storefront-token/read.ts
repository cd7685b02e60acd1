import { randomUUID } from 'node:crypto';
import { capabilityTable } from '../../core/platforms/registry.js';
import type { Observation } from '../../core/contract/adapter.js';
import { classifySecret } from '../../core/delivery/secret-content.js';
import { diffSpec } from '../../core/reconcile/diff.js';
import { refOf } from '../../core/reconcile/execute.js';
import type { SecretState } from '../../core/reconcile/facts.js';
import { platformNames, type PlatformName } from '../../core/schema/platform.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { ProviderContext } from '../config/context.js';
import type { ReadResult } from '../framework/resource.js';
import type { ObjectValue } from '../framework/value.js';
import { computedView } from './apply.js';
import { specCodecs } from './codec.js';
import { toSpec, withSpecField } from './convert.js';
import { failureDiagnostic } from './diagnostics.js';
import { foundOf } from './destination.js';
import { displayNameOf } from './facts.js';
import { openRun } from './engine.js';
import { ownedBy, secretRefOf } from './ownership.js';
import { specPart } from './plan.js';
import { viewOf, withView } from './token-view.js';

/**
 * statusOf is what a refresh reports: a token the platform calls dead
 * first (it needs a replacement whatever the Secret holds), then the
 * Secret's problems (`secret_lost` when no copy of the value is kept to
 * publish again), else active (nothing found wrong).
 */
export function statusOf(token: Observation['state'], secret: SecretState, imported: boolean, valueKept: boolean): string {
  if (token === 'revoked' || token === 'expired' || token === 'missing') return token;
  if (imported) return 'imported';
  if ((secret === 'missing' || secret === 'stale') && !valueKept) return 'secret_lost';
  if (secret === 'missing' || secret === 'stale' || secret === 'foreign') return `secret_${secret}`;
  return 'active';
}

// A revoked token is never looked up again; only a Secret still holding a value needs attention.
async function readRevoked(state: ObjectValue, spec: StorefrontTokenSpec | undefined, context: ProviderContext, signal: AbortSignal): Promise<ReadResult> {
  const id = viewOf(state).id;
  if (spec === undefined || id === undefined) return { state: { ...state, status: 'revoked' } };
  try {
    const live = await context.secrets.get(secretRefOf(spec, await context.secrets.defaultNamespace()), signal);
    const holdsValue = live !== undefined && ownedBy(live, id) && (live.data[spec.secret.keys.token] ?? '') !== '';
    return { state: { ...state, status: holdsValue ? 'secret_stale' : 'revoked' } };
  } catch (error) {
    return { state, diagnostics: [failureDiagnostic('refreshing the revoked token\'s Secret', error)] };
  }
}

function platformOf(state: ObjectValue): PlatformName | undefined {
  const platform = state['platform'];
  return typeof platform === 'string' && (platformNames as readonly string[]).includes(platform) ? platform as PlatformName : undefined;
}

/**
 * readToken refreshes one StorefrontToken: its state Secret (which a run
 * interrupted after Terraform's last save may have moved ahead, and which
 * this refresh marks as confirmed), the destination Secret, the platform's
 * view of the token, and settings changed behind Terraform's back, written
 * into state so the plan shows the repair.
 */
export async function readToken(state: ObjectValue, context: ProviderContext, signal: AbortSignal): Promise<ReadResult> {
  const view = viewOf(state);
  const imported = view.status === 'imported';
  const parsed = storefrontTokenSpecSchema.safeParse(toSpec(specPart(state), specCodecs));
  if (view.revokedAt !== undefined) return readRevoked(state, parsed.success ? parsed.data : undefined, context, signal);
  const platform = platformOf(state);
  if (platform === undefined || !parsed.success) return { state };
  // Credentials known only after apply cannot be used to look; the plan keeps the last state and the next one refreshes.
  if (context.settingsPending(platform)) return { state };
  const spec = parsed.data;
  try {
    const destination = secretRefOf(spec, await context.secrets.defaultNamespace());
    const exposed = state['expose_value'] === true ? view.value : undefined;
    const opened = await openRun({ spec, context, signal, view, destination, existing: true, newId: randomUUID(), ...(exposed === undefined ? {} : { exposed }) });
    if ('conflict' in opened) return { state: { ...state, status: 'secret_foreign' } };
    const { store } = opened.run;
    await store.confirm();
    const kept = store.state;
    const current = kept.current;
    const secret = classifySecret(foundOf(await context.secrets.get(destination, signal), store.id), spec, kept);
    const caps = capabilityTable[platform];
    const canLook = current !== undefined && ((current.id !== undefined && caps.read) || current.value !== undefined);
    const observation: Observation = canLook ? await context.clientFor(platform).observe(refOf(current), signal) : { state: 'unknown' };
    const ahead = current !== undefined && current.fingerprint !== view.fingerprint && !imported;
    let next: ObjectValue = { ...(ahead ? withView(state, { ...view, ...computedView(kept, spec, context.now()) }) : state), status: statusOf(observation.state, secret, imported, current?.value !== undefined) };
    if (observation.observed !== undefined) {
      for (const change of diffSpec(spec, observation.observed, displayNameOf(spec))) {
        const source = change.path[0] === 'displayName' ? observation.observed : { [spec.platform]: observation.observed.block };
        let at: unknown = source;
        for (const step of change.path) at = (at as Record<string, unknown> | undefined)?.[step];
        next = withSpecField(next, change.path, at, specCodecs);
      }
    }
    return { state: next };
  } catch (error) {
    return { state, diagnostics: [failureDiagnostic('refreshing the token', error)] };
  }
}
