import { capabilityTable } from '../../core/adapters/capability-table.js';
import type { Observation } from '../../core/adapters/adapter.js';
import { diffSpec } from '../../core/reconcile/diff.js';
import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { ProviderContext } from '../config/context.js';
import type { ReadResult } from '../framework/resource.js';
import type { ObjectValue } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { toSpec, withSpecField } from './convert.js';
import { failureDiagnostic } from './diagnostics.js';
import { displayNameOf } from './facts.js';
import { specPart } from './plan.js';
import { classifySecret, ownedBy, secretRefOf } from './secret-content.js';
import { viewOf } from './token-view.js';

/**
 * statusOf is what a refresh reports: a token the platform calls dead
 * first (it needs a replacement whatever the Secret holds), then the
 * Secret's problems, else active (nothing found wrong).
 */
export function statusOf(token: Observation['state'], secret: string, imported: boolean): string {
  if (token === 'revoked' || token === 'expired' || token === 'missing') return token;
  if (imported) return 'imported';
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

/**
 * readToken refreshes one StorefrontToken: the Secret (is our current value
 * still there?), the platform's view of the token (value read back from the
 * Secret where the platform needs it), and settings changed behind
 * Terraform's back, written into state so the plan shows the repair.
 */
export async function readToken(state: ObjectValue, context: ProviderContext, signal: AbortSignal): Promise<ReadResult> {
  const view = viewOf(state);
  const imported = view.status === 'imported';
  const priorSpec = toSpec(specPart(state), specCodecs);
  const parsed = storefrontTokenSpecSchema.safeParse(priorSpec);
  if (view.revokedAt !== undefined) return readRevoked(state, parsed.success ? parsed.data : undefined, context, signal);
  const platform = typeof state['platform'] === 'string' ? state['platform'] : undefined;
  const caps = platform !== undefined && platform in capabilityTable ? capabilityTable[platform as keyof typeof capabilityTable] : undefined;
  if (caps === undefined) return { state };
  try {
    let secretState = 'missing';
    let value: SecretValue | undefined;
    if (parsed.success) {
      const ref = secretRefOf(parsed.data, await context.secrets.defaultNamespace());
      const live = await context.secrets.get(ref, signal);
      secretState = classifySecret(live, view.id, view.fingerprint, parsed.data.secret.keys.token);
      const published = secretState === 'current' ? live?.data[parsed.data.secret.keys.token] : undefined;
      const kept = published ?? (state['expose_value'] === true ? view.value : undefined);
      value = kept === undefined ? undefined : new SecretValue(kept);
    }
    const client = context.clientFor(platform as keyof typeof capabilityTable);
    const canLook = view.tokenId !== undefined && (caps.read || value !== undefined);
    const observation: Observation = canLook || value !== undefined ? await client.observe({ ...(view.tokenId === undefined ? {} : { id: view.tokenId }), ...(value === undefined ? {} : { value }) }, signal) : { state: 'unknown' };
    let next: ObjectValue = { ...state, status: statusOf(observation.state, secretState, imported) };
    if (observation.observed !== undefined && parsed.success) {
      const name = displayNameOf(parsed.data);
      for (const change of diffSpec(parsed.data, observation.observed, name)) {
        const source = change.path[0] === 'displayName' ? observation.observed : { [parsed.data.platform]: observation.observed.block };
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
