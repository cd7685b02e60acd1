import { z } from 'zod';

// Platform ids go into API paths (`/stores/{storeHash}`, `/accounts/{id}`,
// `/tenants/{tenantId}/markets/{marketId}`), so each is a strict pattern:
// nothing that could add a path segment (`/`, `.`), a query or an escape.
// The patterns reach the CRD as OpenAPI `pattern` and Terraform validation
// through validateSpec.

/** storeHashSchema is a BigCommerce store hash: short lowercase letters and digits, e.g. `abc123xyz`. */
export const storeHashSchema = z.string().regex(/^[a-z0-9]{1,32}$/, {
  message: 'must be the store hash from the API path: 1 to 32 lowercase letters and digits',
});

/** channelIdSchema is a BigCommerce channel id: a positive integer. */
export const channelIdSchema = z.number().int().min(1, { message: 'must be a channel id of 1 or more' });

/** cloudflareIdSchema is a Cloudflare identifier (account, permission group): 32 lowercase hex digits. */
export function cloudflareIdSchema(what: string): z.ZodString {
  return z.string().regex(/^[0-9a-f]{32}$/, { message: `must be the 32-character hex ${what}, in lowercase` });
}

/**
 * avvyrIdSchema is an Avvyr tenant or market id. Avvyr documents no format
 * (docs/avvyr-api.md), so the pattern admits slugs and UUIDs such as
 * `tnt_sandbox`, `mkt_se` or `3f2c…-…`: letters, digits, `_` and `-`,
 * starting with a letter or digit, at most 64 characters.
 */
export function avvyrIdSchema(what: string): z.ZodString {
  return z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
    message: `must be an Avvyr ${what}: 1 to 64 letters, digits, _ or -, starting with a letter or digit (no /, . or spaces)`,
  });
}
