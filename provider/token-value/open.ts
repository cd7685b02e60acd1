import { fingerprint } from '../../core/secret.js';
import type { ProviderContext } from '../config/context.js';
import type { SecretRef, StoredSecret } from '../config/secret-store.js';
import type { Diagnostic } from '../framework/diagnostic.js';
import type { OpenRequest, OpenResult } from '../framework/ephemeral.js';
import { isUnknown, type ObjectValue } from '../framework/value.js';
import { ownerIdOf, stateRefOf } from '../storefront-token/ownership.js';
import { classifyDelivery } from './delivery.js';
import { expiringDiagnostic, readFailedDiagnostic, undeliveredDiagnostic, unknownConfigDiagnostic } from './diagnostics.js';
import { encodeOpened } from './opened.js';
import { renewAtFor } from './renewal.js';
import { DEFAULT_EXPIRES_AT_KEY, DEFAULT_KEY, tokenValueSchema } from './schema.js';

const text = (config: ObjectValue, attribute: string): string | undefined => {
  const v = config[attribute];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

// The state record says a token exists for this destination, which turns
// "no Secret" into "not yet delivered". It is read only when the Secret is
// missing, so a kubeconfig allowed to read just the destination still works.
async function recordedFor(ref: SecretRef, ownerId: string | undefined, context: ProviderContext, signal: AbortSignal): Promise<boolean> {
  const state = await context.secrets.get(stateRefOf(ref), signal);
  return state !== undefined && (ownerId === undefined || ownerIdOf(state) === ownerId);
}

/**
 * openTokenValue opens sftoken_token_value: the value is read from the
 * destination Secret (never from the platform) and returned to the engine,
 * which keeps it out of plan and state. A configuration not known yet is
 * deferred where the engine allows it; anything else that stops the open is
 * an error diagnostic on the attribute to fix. Nothing here logs the value.
 */
export async function openTokenValue(request: OpenRequest<ProviderContext>): Promise<OpenResult> {
  const { config, context, deferralAllowed, signal } = request;
  const unknown = Object.keys(tokenValueSchema.block.attributes).find((a) => isUnknown(config[a]));
  if (unknown !== undefined) return deferralAllowed ? { deferred: 'resource_config_unknown' } : { result: null, diagnostics: [unknownConfigDiagnostic(unknown)] };
  const name = text(config, 'name') ?? '';
  const key = text(config, 'key') ?? DEFAULT_KEY;
  const expiresAtKey = text(config, 'expires_at_key') ?? DEFAULT_EXPIRES_AT_KEY;
  const ownerId = text(config, 'storefront_token_id');
  let ref: SecretRef = { namespace: text(config, 'namespace') ?? '', name };
  let secret: StoredSecret | undefined;
  let recorded = false;
  try {
    ref = { namespace: text(config, 'namespace') ?? (await context.secrets.defaultNamespace()), name };
    secret = await context.secrets.get(ref, signal);
    if (secret === undefined) recorded = await recordedFor(ref, ownerId, context, signal);
  } catch (error) {
    return { result: null, diagnostics: [readFailedDiagnostic(ref, error)] };
  }
  const delivery = classifyDelivery({ secret, recorded, key, expiresAtKey, ownerId });
  if (delivery.kind !== 'delivered') return { result: null, diagnostics: [undeliveredDiagnostic(delivery, ref, key)] };
  const { value, expiresAt } = delivery;
  const print = fingerprint(value);
  const renewAt = renewAtFor(expiresAt, context.now());
  const diagnostics: Diagnostic[] = expiresAt !== undefined && renewAt === undefined && !Number.isNaN(Date.parse(expiresAt)) ? [expiringDiagnostic(ref, expiresAt)] : [];
  return {
    result: {
      name,
      namespace: ref.namespace,
      key,
      expires_at_key: expiresAtKey,
      storefront_token_id: ownerId ?? null,
      value,
      fingerprint: print,
      expires_at: expiresAt ?? null,
    },
    ...(renewAt === undefined ? {} : { renewAt }),
    private: encodeOpened({ ...ref, key, fingerprint: print, expiresAt }),
    diagnostics,
  };
}
