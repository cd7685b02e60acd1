import type { StorefrontTokenSpec } from '../../schema/storefront-token.js';
import type { ValidationIssue } from '../../schema/validate.js';

/** cloudflareChecks are Cloudflare's rules that span its block and the common fields. */
export function cloudflareChecks(spec: StorefrontTokenSpec): ValidationIssue[] {
  const notBefore = spec.cloudflare?.notBefore;
  const expiresAt = spec.lifetime?.expiresAt;
  if (notBefore === undefined || expiresAt === undefined || Date.parse(notBefore) < Date.parse(expiresAt)) return [];
  return [{ path: ['cloudflare', 'notBefore'], message: 'must be before lifetime.expiresAt' }];
}
