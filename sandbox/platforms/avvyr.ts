import { fingerprint, randomBase62, randomCrockford, sha256Hex } from '../ids.js';
import { tokenState, type Inventory, type IssuedToken } from '../inventory.js';
import type { AvvyrCredentials } from '../options.js';
import { bearer, header, type Operation, type PlatformModule, type Reply, type RequestContext } from '../platform.js';
import { FixedWindowLimiter, type RateLimitConfig } from '../rate-limiter.js';
import { Router } from '../router.js';
import { avvyrError, avvyrRateLimitHeaders, avvyrTooManyRequests } from './avvyr-envelopes.js';
import { parseAvvyrFields } from './avvyr-payload.js';

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const MAX_IDEMPOTENCY_KEY = 255;

interface AvvyrToken {
  readonly record: IssuedToken;
  readonly marketId: string | null;
  readonly valuePrefix: string;
  readonly seq: number;
}

interface IdempotencyEntry {
  readonly bodyHash: string;
  readonly token: AvvyrToken;
  readonly atMs: number;
}

/** AvvyrDeps are what the Avvyr module needs from the sandbox. */
export interface AvvyrDeps {
  readonly credentials: AvvyrCredentials;
  readonly inventory: Inventory;
  readonly rateLimit: RateLimitConfig;
  /** openApiYaml is our Avvyr OpenAPI document, served at `/avvyr/openapi.yaml`. */
  readonly openApiYaml: string;
}

/** createAvvyr builds our assumed Avvyr storefront-token API (docs/avvyr-api.md) mounted at `/avvyr`. */
export function createAvvyr(deps: AvvyrDeps): PlatformModule {
  const { credentials: cred, inventory } = deps;
  const byId = new Map<string, AvvyrToken>();
  const byValue = new Map<string, AvvyrToken>();
  const idempotency = new Map<string, IdempotencyEntry>();
  let seq = 0;

  function authorize(ctx: RequestContext): Reply | undefined {
    if (bearer(ctx) !== cred.apiKey) return avvyrError(401, 'unauthorized', 'Missing or invalid API key');
    if (ctx.params['tenantId'] !== cred.tenantId) return avvyrError(404, 'not_found', 'Tenant not found');
    const market = ctx.params['marketId'];
    if (market !== undefined && !cred.marketIds.includes(market)) return avvyrError(404, 'not_found', 'Market not found');
    return undefined;
  }

  function render(t: AvvyrToken, now: number): Record<string, unknown> {
    const r = t.record;
    return {
      id: r.id,
      name: r.name,
      level: r.scope === 'market' ? 'market' : 'tenant',
      tenantId: cred.tenantId,
      marketId: t.marketId,
      allowedOrigins: r.origins,
      status: tokenState(r, now) === 'revoked' ? 'revoked' : 'active',
      createdAt: new Date(r.createdAtMs).toISOString(),
      lastUsedAt: r.lastUsedAtMs === null ? null : new Date(r.lastUsedAtMs).toISOString(),
      revokedAt: r.revokedAtMs === null ? null : new Date(r.revokedAtMs).toISOString(),
      valuePrefix: t.valuePrefix,
    };
  }

  function create(ctx: RequestContext): Reply {
    const denied = authorize(ctx);
    if (denied !== undefined) return denied;
    const key = header(ctx, 'idempotency-key');
    if (key?.length === 0 || (key !== undefined && key.length > MAX_IDEMPOTENCY_KEY)) {
      return avvyrError(422, 'validation_failed', 'Invalid Idempotency-Key header', [{ field: 'Idempotency-Key', reason: `must be 1 to ${MAX_IDEMPOTENCY_KEY} characters` }]);
    }
    const fields = parseAvvyrFields(ctx.body, true);
    if (Array.isArray(fields)) return avvyrError(422, 'validation_failed', 'Request validation failed', fields);
    const marketId = ctx.params['marketId'] ?? null;
    const name = fields.name ?? '';
    const origins = fields.allowedOrigins ?? [];
    let idemKey: string | undefined;
    let bodyHash = '';
    if (key !== undefined) {
      idemKey = `${cred.tenantId}\u0000${marketId ?? ''}\u0000${key}`;
      bodyHash = sha256Hex(JSON.stringify([name, origins]));
      const prior = idempotency.get(idemKey);
      if (prior !== undefined && ctx.now - prior.atMs < IDEMPOTENCY_TTL_MS) {
        if (prior.bodyHash !== bodyHash) {
          return avvyrError(422, 'idempotency_key_reused', 'Idempotency-Key was already used with a different request body');
        }
        // The value is never shown twice: a client that lost it must revoke and recreate.
        return { status: 200, headers: { 'Idempotent-Replayed': 'true' }, body: { data: render(prior.token, ctx.now), value: null } };
      }
    }
    const secret = randomBase62(40);
    const value = `avsf_${secret}`;
    const record: IssuedToken = {
      platform: 'avvyr',
      id: `sft_${randomCrockford(26)}`,
      kind: 'storefront',
      scope: marketId === null ? 'tenant' : 'market',
      scopeId: marketId ?? cred.tenantId,
      name,
      origins: [...origins],
      fingerprint: fingerprint(value),
      createdAtMs: ctx.now,
      revokedAtMs: null,
      lastUsedAtMs: null,
      expiresAtMs: null,
      disabled: false,
    };
    const token: AvvyrToken = { record, marketId, valuePrefix: `avsf_${secret.slice(0, 4)}`, seq: seq++ };
    byId.set(record.id, token);
    byValue.set(sha256Hex(value), token);
    inventory.add(record, value);
    if (idemKey !== undefined) idempotency.set(idemKey, { bodyHash, token, atMs: ctx.now });
    return { status: 201, body: { data: render(token, ctx.now), value } };
  }

  function list(ctx: RequestContext): Reply {
    const denied = authorize(ctx);
    if (denied !== undefined) return denied;
    const status = ctx.query.get('status');
    const limitRaw = ctx.query.get('limit');
    const limit = limitRaw === null ? 50 : Number(limitRaw);
    const cursor = ctx.query.get('cursor');
    const details = [];
    if (status !== null && status !== 'active' && status !== 'revoked') details.push({ field: 'status', reason: 'must be active or revoked' });
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) details.push({ field: 'limit', reason: 'must be an integer from 1 to 100' });
    const after = cursor === null ? -1 : decodeCursor(cursor);
    if (after === undefined) details.push({ field: 'cursor', reason: 'is not a cursor returned by this API' });
    if (details.length > 0 || after === undefined) return avvyrError(422, 'validation_failed', 'Request validation failed', details);
    const marketId = ctx.params['marketId'] ?? null;
    const matching = [...byId.values()].filter(
      (t) => t.marketId === marketId && t.seq > after && (status === null || (t.record.revokedAtMs === null) === (status === 'active')),
    );
    matching.sort((a, b) => a.seq - b.seq);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = matching.length > limit && last !== undefined ? encodeCursor(last.seq) : null;
    return { status: 200, body: { data: page.map((t) => render(t, ctx.now)), nextCursor } };
  }

  function find(ctx: RequestContext): AvvyrToken | Reply {
    const denied = authorize(ctx);
    if (denied !== undefined) return denied;
    return byId.get(ctx.params['tokenId'] ?? '') ?? avvyrError(404, 'not_found', 'Storefront token not found');
  }

  function get(ctx: RequestContext): Reply {
    const t = find(ctx);
    return 'status' in t ? t : { status: 200, body: { data: render(t, ctx.now) } };
  }

  function update(ctx: RequestContext): Reply {
    const t = find(ctx);
    if ('status' in t) return t;
    const fields = parseAvvyrFields(ctx.body, false);
    if (Array.isArray(fields)) return avvyrError(422, 'validation_failed', 'Request validation failed', fields);
    if (t.record.revokedAtMs !== null) return avvyrError(409, 'token_revoked', 'A revoked storefront token cannot be changed');
    if (fields.name !== undefined) t.record.name = fields.name;
    if (fields.allowedOrigins !== undefined) t.record.origins = [...fields.allowedOrigins];
    return { status: 200, body: { data: render(t, ctx.now) } };
  }

  function revoke(ctx: RequestContext): Reply {
    const t = find(ctx);
    if ('status' in t) return t;
    t.record.revokedAtMs ??= ctx.now;
    return { status: 200, body: { data: render(t, ctx.now) } };
  }

  function shop(ctx: RequestContext): Reply {
    const value = header(ctx, 'x-avvyr-storefront-token');
    const t = value === undefined ? undefined : byValue.get(sha256Hex(value));
    if (t === undefined || t.record.revokedAtMs !== null) return avvyrError(401, 'unauthorized', 'Missing, unknown or revoked storefront token');
    const origin = header(ctx, 'origin');
    if (origin !== undefined && t.record.origins.length > 0 && !t.record.origins.includes(origin)) {
      return avvyrError(403, 'origin_not_allowed', 'Origin is not allowed for this storefront token');
    }
    t.record.lastUsedAtMs = ctx.now;
    const headers: Record<string, string> = origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
    const markets = t.marketId === null ? cred.marketIds : [t.marketId];
    return { status: 200, headers, body: { data: { tenantId: cred.tenantId, marketIds: markets, name: 'Sandbox Shop' } } };
  }

  const op = (name: string, handle: Operation['handle'], kind: Operation['kind'] = 'manage', commits = false): Operation => ({
    name,
    kind,
    commits,
    spec: { doc: 'avvyr', operationId: name, stripSegments: 0 },
    handle,
  });
  const tenant = '/v1/tenants/:tenantId';
  const router = new Router<Operation>()
    .add('GET', `${tenant}/storefront-tokens`, op('listTenantStorefrontTokens', list))
    .add('POST', `${tenant}/storefront-tokens`, op('createTenantStorefrontToken', create, 'manage', true))
    .add('GET', `${tenant}/markets/:marketId/storefront-tokens`, op('listMarketStorefrontTokens', list))
    .add('POST', `${tenant}/markets/:marketId/storefront-tokens`, op('createMarketStorefrontToken', create, 'manage', true))
    .add('GET', `${tenant}/storefront-tokens/:tokenId`, op('getStorefrontToken', get))
    .add('PATCH', `${tenant}/storefront-tokens/:tokenId`, op('updateStorefrontToken', update))
    .add('POST', `${tenant}/storefront-tokens/:tokenId/revoke`, op('revokeStorefrontToken', revoke))
    .add('GET', '/storefront/v1/shop', op('getShop', shop, 'use'))
    .add('GET', '/openapi.yaml', {
      name: 'openapi',
      kind: 'public',
      commits: false,
      handle: () => ({ status: 200, text: { contentType: 'application/yaml', value: deps.openApiYaml } }),
    });

  return {
    name: 'avvyr',
    prefix: '/avvyr',
    router,
    limiter: new FixedWindowLimiter(deps.rateLimit),
    rateLimitKey: (ctx) => header(ctx, 'authorization') ?? '',
    rateLimitHeaders: avvyrRateLimitHeaders,
    tooManyRequests: avvyrTooManyRequests,
    internalError: () => avvyrError(500, 'internal', 'Internal error'),
    notFound: () => avvyrError(404, 'not_found', 'Route not found'),
    methodNotAllowed: () => avvyrError(405, 'not_found', 'Method not allowed on this route'),
    malformedBody: () => avvyrError(400, 'validation_failed', 'Request body is not valid JSON'),
    clearTokens: () => {
      byId.clear();
      byValue.clear();
      idempotency.clear();
    },
  };
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^s:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
