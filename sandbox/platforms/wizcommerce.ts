import { timingSafeEqual } from 'node:crypto';
import { fingerprint, isoSeconds, randomBase62, randomHex, sha256Hex } from '../ids.js';
import { tokenState, type Inventory, type IssuedToken } from '../inventory.js';
import type { WizCommerceCredentials } from '../options.js';
import { header, isRecord, type Operation, type PlatformModule, type Reply, type RequestContext, type SpecBinding } from '../platform.js';
import { FixedWindowLimiter, type RateLimitConfig } from '../rate-limiter.js';
import { Router } from '../router.js';
import { wizError, wizRateLimitHeaders, wizTooManyRequests } from './wizcommerce-envelopes.js';

/** WIZ_TOKEN_LIFETIME_MS is the documented fixed lifetime of a WizCommerce API token: one year. */
export const WIZ_TOKEN_LIFETIME_MS = 365 * 24 * 3600 * 1000;

/** WizCommerceDeps are what the WizCommerce module needs from the sandbox. */
export interface WizCommerceDeps {
  readonly credentials: WizCommerceCredentials;
  readonly inventory: Inventory;
  readonly rateLimit: RateLimitConfig;
}

const PRODUCTS = [
  { id: 'prod_1001', sku: 'SBX-TEE-001', name: 'Sandbox T-Shirt', price: 19.9, currency: 'USD' },
  { id: 'prod_1002', sku: 'SBX-MUG-002', name: 'Sandbox Mug', price: 9.5, currency: 'USD' },
];

/** WIZ_SPEC binds an operation to sandbox/openapi/wizcommerce.openapi.yaml (written by us from the docs). */
const WIZ_SPEC = (operationId: string): SpecBinding => ({ doc: 'wizcommerce', operationId, stripSegments: 0 });

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256Hex(a), 'hex');
  const y = Buffer.from(sha256Hex(b), 'hex');
  return timingSafeEqual(x, y);
}

/** createWizCommerce builds the WizCommerce auth-token emulation mounted at `/wizcommerce`. */
export function createWizCommerce(deps: WizCommerceDeps): PlatformModule {
  const { credentials: cred, inventory } = deps;
  const byKey = new Map<string, IssuedToken>();

  function create(ctx: RequestContext): Reply {
    const body = ctx.body;
    const details: { field: string; reason: string }[] = [];
    const email = isRecord(body) ? body['email'] : undefined;
    const password = isRecord(body) ? body['password'] : undefined;
    if (typeof email !== 'string' || email === '') details.push({ field: 'email', reason: 'email is required' });
    if (typeof password !== 'string' || password === '') details.push({ field: 'password', reason: 'password is required' });
    if (details.length > 0 || typeof email !== 'string' || typeof password !== 'string') {
      return wizError(400, 'VALIDATION_ERROR', 'Invalid request body', details);
    }
    if (email.toLowerCase() !== cred.email.toLowerCase() || !sameSecret(password, cred.password)) {
      return wizError(401, 'INVALID_CREDENTIALS', 'Invalid email or password');
    }
    const accessToken = `api_prod_${randomBase62(48)}`;
    const record: IssuedToken = {
      platform: 'wizcommerce',
      id: `token_${randomHex(12)}`,
      kind: 'api',
      scope: 'tenant',
      scopeId: cred.tenantId,
      name: `API token for ${cred.email}`,
      origins: [],
      fingerprint: fingerprint(accessToken),
      createdAtMs: ctx.now,
      revokedAtMs: null,
      lastUsedAtMs: null,
      expiresAtMs: ctx.now + WIZ_TOKEN_LIFETIME_MS,
      disabled: false,
    };
    byKey.set(sha256Hex(accessToken), record);
    inventory.add(record, accessToken);
    return {
      status: 200,
      body: {
        token_id: record.id,
        token_type: 'Bearer',
        expires_at: isoSeconds(ctx.now + WIZ_TOKEN_LIFETIME_MS),
        user: { email: cred.email, first_name: cred.firstName, last_name: cred.lastName, tenant_id: cred.tenantId, id: cred.userId },
        access_token: accessToken,
      },
    };
  }

  function activeToken(ctx: RequestContext): IssuedToken | Reply {
    const key = header(ctx, 'x-api-key');
    if (key === undefined || key === '') return wizError(401, 'UNAUTHORIZED', 'Missing X-API-Key header');
    const t = byKey.get(sha256Hex(key));
    if (t === undefined || tokenState(t, ctx.now) !== 'active') return wizError(401, 'UNAUTHORIZED', 'Invalid or revoked API key');
    return t;
  }

  function revoke(ctx: RequestContext): Reply {
    const t = activeToken(ctx);
    if ('status' in t) return t;
    t.revokedAtMs = ctx.now;
    return { status: 200, body: { message: 'Token revoked successfully' } };
  }

  function products(ctx: RequestContext): Reply {
    const t = activeToken(ctx);
    if ('status' in t) return t;
    t.lastUsedAtMs = ctx.now;
    return { status: 200, body: { data: PRODUCTS, total: PRODUCTS.length } };
  }

  const router = new Router<Operation>()
    .add('POST', '/auth/token', { name: 'createToken', kind: 'manage', commits: true, spec: WIZ_SPEC('createToken'), handle: create })
    .add('DELETE', '/auth/token', { name: 'revokeToken', kind: 'manage', commits: false, spec: WIZ_SPEC('revokeToken'), handle: revoke })
    .add('GET', '/v1/products', { name: 'listProducts', kind: 'use', commits: false, handle: products });

  return {
    name: 'wizcommerce',
    prefix: '/wizcommerce',
    router,
    limiter: new FixedWindowLimiter(deps.rateLimit),
    // No credential exists before login, so the assumed limit is per client address.
    rateLimitKey: (ctx) => ctx.remoteAddress,
    rateLimitHeaders: wizRateLimitHeaders,
    tooManyRequests: wizTooManyRequests,
    internalError: () => wizError(500, 'INTERNAL_ERROR', 'Internal server error'),
    notFound: () => wizError(404, 'NOT_FOUND', 'Route not found'),
    methodNotAllowed: () => wizError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed'),
    malformedBody: () => wizError(400, 'VALIDATION_ERROR', 'Request body is not valid JSON'),
    clearTokens: () => {
      byKey.clear();
    },
  };
}
