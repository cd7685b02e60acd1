import { capabilityTable } from '../../core/adapters/capability-table.js';
import type { TokenRef } from '../../core/adapters/adapter.js';
import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import type { PlatformName } from '../../core/schema/platform.js';
import type { ProviderContext } from '../config/context.js';
import { warningDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import type { ApplyResult } from '../framework/resource.js';
import type { ObjectValue } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { toSpec } from './convert.js';
import { failureDiagnostic } from './diagnostics.js';
import { specPart } from './plan.js';
import { SECRET_PREVIOUS_KEY } from './schema.js';
import { ownedBy, secretRefOf } from './secret-content.js';
import { viewOf } from './token-view.js';

function refOf(id: string | undefined, value: string | undefined): TokenRef {
  return { ...(id === undefined ? {} : { id }), ...(value === undefined || value === '' ? {} : { value: new SecretValue(value) }) };
}

/**
 * deleteToken honours deletion_policy. Revoke: revoke the current and the
 * previous token (values read back from the Secret where the platform
 * revokes by value), then delete the Secret if this resource wrote it.
 * Orphan: leave the token valid and the Secret in place.
 */
export async function deleteToken(prior: ObjectValue, context: ProviderContext, signal: AbortSignal): Promise<ApplyResult> {
  if (prior['deletion_policy'] === 'Orphan') return { state: null };
  const view = viewOf(prior);
  const parsed = storefrontTokenSpecSchema.safeParse(toSpec(specPart(prior), specCodecs));
  const platform = prior['platform'] as PlatformName;
  const caps = capabilityTable[platform];
  const diagnostics: Diagnostic[] = [];
  try {
    const ref = parsed.success ? secretRefOf(parsed.data, await context.secrets.defaultNamespace()) : undefined;
    const live = ref === undefined ? undefined : await context.secrets.get(ref, signal);
    const owned = live !== undefined && view.id !== undefined && ownedBy(live, view.id);
    const tokenKey = parsed.success ? parsed.data.secret.keys.token : 'token';
    if (view.revokedAt === undefined) {
      const client = context.clientFor(platform);
      const tokens = [
        { id: view.tokenId, fingerprint: view.fingerprint, value: owned ? live.data[tokenKey] : prior['expose_value'] === true ? view.value : undefined },
        { id: view.previousTokenId, fingerprint: view.previousFingerprint, value: owned ? live.data[SECRET_PREVIOUS_KEY] : undefined },
      ];
      for (const token of tokens) {
        if (token.id === undefined && token.fingerprint === undefined) continue;
        const ref = refOf(token.id, token.value);
        if (caps.revokeNeedsValue && ref.value === undefined) {
          diagnostics.push(warningDiagnostic('Token Not Revoked', `Token ${token.fingerprint ?? token.id ?? ''} could not be revoked: ${platform} revokes a token only with its value, and the Secret no longer holds it. It stays valid until it expires.`));
          continue;
        }
        await client.revoke(ref, signal);
      }
    }
    if (owned && ref !== undefined) await context.secrets.delete(ref, signal);
    return { state: null, diagnostics };
  } catch (error) {
    return { state: prior, diagnostics: [...diagnostics, failureDiagnostic('revoking the token for deletion', error)] };
  }
}
