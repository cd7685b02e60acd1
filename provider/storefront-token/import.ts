import { randomUUID } from 'node:crypto';
import { capabilityTable } from '../../core/platforms/registry.js';
import { platformNames, type PlatformName } from '../../core/schema/platform.js';
import type { ProviderContext } from '../config/context.js';
import { errorDiagnostic } from '../framework/diagnostic.js';
import type { ImportResult } from '../framework/resource.js';
import type { ObjectValue, Value } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { fromSpec } from './convert.js';
import { failureDiagnostic } from './diagnostics.js';
import { resourceSchema } from './schema.js';

// Import ids: `<platform>:<scope>/<token_id>`, where scope is the block's
// first immutable field (Cloudflare account, Avvyr tenant). A bare
// `<account_id>/<token_id>` is Cloudflare, the format of Cloudflare's own
// Terraform provider, so existing import commands keep working.
const BARE_PLATFORM: PlatformName = 'cloudflare';

/** ImportId is a parsed import id. */
export interface ImportId {
  readonly platform: PlatformName;
  readonly scope: string;
  readonly tokenId: string;
}

/** parseImportId reads an import id, or explains the expected format. */
export function parseImportId(id: string): ImportId | string {
  const colon = id.indexOf(':');
  const platform = colon < 0 ? BARE_PLATFORM : id.slice(0, colon);
  const rest = colon < 0 ? id : id.slice(colon + 1);
  if (!(platformNames as readonly string[]).includes(platform)) return `"${platform}" is not a platform; use one of ${platformNames.join(', ')}`;
  const [scope, tokenId, ...extra] = rest.split('/');
  if (scope === undefined || scope === '' || tokenId === undefined || tokenId === '' || extra.length > 0) {
    return 'expected "<account_id>/<token_id>" (Cloudflare) or "<platform>:<scope>/<token_id>", e.g. "avvyr:<tenant_id>/<token_id>"';
  }
  return { platform: platform as PlatformName, scope, tokenId };
}

function emptyState(): Record<string, Value> {
  return Object.fromEntries(Object.keys(resourceSchema.block.attributes).map((name) => [name, null]));
}

/**
 * importToken adopts an existing token on a platform that can look tokens
 * up by id. Its value was never seen, so status is `imported` and the next
 * apply rolls or reissues it to deliver a value to the Secret.
 */
export async function importToken(rawId: string, context: ProviderContext, signal: AbortSignal): Promise<ImportResult> {
  const id = parseImportId(rawId);
  if (typeof id === 'string') return { state: null, diagnostics: [errorDiagnostic('Invalid Import ID', `Cannot import "${rawId}": ${id}.`)] };
  const caps = capabilityTable[id.platform];
  if (!caps.read) {
    const why = caps.introspect
      ? `${id.platform} has no endpoint to look a token up; its tokens are only known by their value, which an import id cannot carry`
      : `${id.platform} has no endpoint to read or list tokens`;
    return { state: null, diagnostics: [errorDiagnostic('Import Not Supported', `${why}. Let this resource issue a new token instead, and revoke the old one at the platform.`)] };
  }
  const ref = `${id.scope}/${id.tokenId}`;
  try {
    const observation = await context.clientFor(id.platform).observe({ id: ref }, signal);
    if (observation.state === 'missing') return { state: null, diagnostics: [errorDiagnostic('Token Not Found', `${id.platform} has no token ${ref}.`)] };
    const scopeField = specCodecs.find((c) => c.field === id.platform);
    const scopeName = scopeField?.kind === 'object' ? scopeField.children.find((c) => c.meta?.change === 'immutable')?.field : undefined;
    const spec = fromSpec(
      {
        platform: id.platform,
        ...(observation.observed?.displayName === undefined ? {} : { displayName: observation.observed.displayName }),
        [id.platform]: { ...(scopeName === undefined ? {} : { [scopeName]: id.scope }), ...observation.observed?.block },
      },
      specCodecs,
    );
    const state: ObjectValue = {
      ...emptyState(),
      ...spec,
      id: randomUUID(),
      token_id: ref,
      status: 'imported',
      expires_at: observation.expiresAt?.toISOString() ?? null,
    };
    return { state };
  } catch (error) {
    return { state: null, diagnostics: [failureDiagnostic(`importing ${id.platform} token ${ref}`, error)] };
  }
}
