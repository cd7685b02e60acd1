import { attributePath, errorDiagnostic, warningDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import type { SecretRef } from '../config/secret-store.js';
import type { Delivery } from './delivery.js';

const where = (ref: SecretRef): string => `Secret ${ref.namespace}/${ref.name}`;

/**
 * undeliveredDiagnostic explains, on the attribute to fix, why no value
 * could be opened. It names Secrets and keys, never data.
 */
export function undeliveredDiagnostic(delivery: Exclude<Delivery, { kind: 'delivered' }>, ref: SecretRef, key: string): Diagnostic {
  switch (delivery.kind) {
    case 'missing':
      return errorDiagnostic(
        'Secret Not Found',
        `${where(ref)} does not exist, and no sftoken_storefront_token has recorded a token for it. If a sftoken_storefront_token in this configuration delivers it, set storefront_token_id = sftoken_storefront_token.<name>.id so the value is opened only after that token is delivered; if the operator delivers it, check the StorefrontToken's Ready condition.`,
        attributePath('name'),
      );
    case 'not_delivered':
      return errorDiagnostic(
        'Token Not Yet Delivered',
        delivery.why === 'secret_absent'
          ? `The token for ${where(ref)} exists (its state record is beside it) but is not delivered yet: the Secret is missing. Apply the sftoken_storefront_token first (an interrupted apply finishes the delivery on the next run), or reference its id in storefront_token_id so this waits for it.`
          : `${where(ref)} exists but its key "${key}" is empty: the token is not delivered yet. Apply the sftoken_storefront_token that delivers it first.`,
        attributePath('name'),
      );
    case 'key_missing':
      return errorDiagnostic(
        'Secret Key Not Found',
        `${where(ref)} has no key "${key}"; it has ${delivery.keys.length === 0 ? 'no keys' : `the keys ${delivery.keys.map((k) => `"${k}"`).join(', ')}`}. Set key to the token's secret.keys.token.`,
        attributePath('key'),
      );
    case 'revoked':
      return errorDiagnostic(
        'Token Revoked',
        `The token delivered to ${where(ref)} was revoked (the Secret carries sftoken.dev/revoked), so there is no value to open. Issue a new token (a new or replaced sftoken_storefront_token) or stop using this value.`,
        attributePath('name'),
      );
    case 'foreign':
      return errorDiagnostic(
        'Secret Not Delivered By This Token',
        `${where(ref)} was ${delivery.owner === undefined ? 'not written by a sftoken_storefront_token' : `written by the sftoken_storefront_token with id "${delivery.owner}"`}, not by the one storefront_token_id names. Point name and namespace at that token's secret.`,
        attributePath('storefront_token_id'),
      );
  }
}

/** readFailedDiagnostic reports a Kubernetes read that failed (RBAC, connectivity); Kubernetes errors never carry Secret data. */
export function readFailedDiagnostic(ref: SecretRef, error: unknown): Diagnostic {
  const why = error instanceof Error ? error.message : 'unknown error';
  return errorDiagnostic('Cannot Read Secret', `Reading ${where(ref)} failed: ${why}. The provider's kubeconfig needs "get" on Secrets in ${ref.namespace}.`, attributePath('name'));
}

/** unknownConfigDiagnostic reports an open the engine asked for before the configuration was known and without allowing a deferral. */
export function unknownConfigDiagnostic(attribute: string): Diagnostic {
  return errorDiagnostic(
    'Ephemeral Configuration Not Known',
    `${attribute} is not known yet, so the Secret cannot be found, and this engine does not accept a deferred open. Set it from values known at plan time.`,
    attributePath(attribute),
  );
}

/** expiringDiagnostic warns that the opened value stops working soon, during the run that uses it. */
export function expiringDiagnostic(ref: SecretRef, expiresAt: string): Diagnostic {
  return warningDiagnostic(
    'Token Expires During Run',
    `The token opened from ${where(ref)} expires at ${expiresAt}. Whatever this run configured with it stops working then; the next run opens the renewed value.`,
    attributePath('expires_at'),
  );
}

/** rotatedDiagnostic warns that the Secret now holds a newer token than the one opened. */
export function rotatedDiagnostic(ref: SecretRef): Diagnostic {
  return warningDiagnostic(
    'Token Rotated During Run',
    `${where(ref)} now holds a newer token than the one this run opened. The opened one keeps working for the rotation overlap; the next run opens the new value.`,
    attributePath('value'),
  );
}
