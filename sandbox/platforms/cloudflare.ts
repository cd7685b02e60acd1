import { fingerprint, isoSeconds, randomBase62, randomHex, sha256Hex } from '../ids.js';
import { tokenState, type Inventory, type IssuedToken } from '../inventory.js';
import type { CloudflareCredentials } from '../options.js';
import { bearer, header, type Operation, type PlatformModule, type Reply, type RequestContext } from '../platform.js';
import { FixedWindowLimiter, type RateLimitConfig } from '../rate-limiter.js';
import { Router } from '../router.js';
import { CF_INVALID_REQUEST, cfFailure, cfRateLimitHeaders, cfSuccess, cfTooManyRequests } from './cloudflare-envelopes.js';
import { ipAllowed, parseCfPayload, type CfCondition, type CfPolicy } from './cloudflare-payload.js';
import { CF_PERMISSION_GROUPS } from './cloudflare-permission-groups.js';

/** CF_ACCOUNT_TOKEN_QUOTA is Cloudflare's documented limit of account-owned tokens per account. */
export const CF_ACCOUNT_TOKEN_QUOTA = 500;

interface CfToken {
  readonly record: IssuedToken;
  valueHash: string;
  policies: readonly CfPolicy[];
  condition: CfCondition | undefined;
  notBeforeMs: number | null;
  modifiedAtMs: number;
  /** seq orders tokens by creation for list direction. */
  readonly seq: number;
}

/** CloudflareDeps are what the Cloudflare module needs from the sandbox. */
export interface CloudflareDeps {
  readonly credentials: CloudflareCredentials;
  readonly inventory: Inventory;
  readonly rateLimit: RateLimitConfig;
}

/**
 * newCloudflareValue makes a value in the scannable account-token format
 * (`cfat_` + 40 characters + checksum). The checksum algorithm is not public,
 * so the sandbox uses 8 hex of SHA-256 over the body.
 */
export function newCloudflareValue(): string {
  const body = randomBase62(40);
  return `cfat_${body}${sha256Hex(body).slice(0, 8)}`;
}

/** createCloudflare builds the account-owned API token emulation mounted at `/cloudflare/client/v4`. */
export function createCloudflare(deps: CloudflareDeps): PlatformModule {
  const { credentials: cred, inventory } = deps;
  const byId = new Map<string, CfToken>();
  const byValue = new Map<string, CfToken>();
  const adminHash = sha256Hex(cred.apiToken);
  const adminId = sha256Hex(`admin:${cred.apiToken}`).slice(0, 32);
  let seq = 0;

  // Refusals of a token that exists but cannot be used now (expired,
  // revoked, not yet valid, outside its IP condition); shared by verify and
  // by management calls made with an account token.
  function unusable(t: CfToken, ctx: RequestContext): Reply | undefined {
    if (tokenState(t.record, ctx.now) !== 'active') return cfFailure(401, 1000, 'Invalid API Token');
    if (t.notBeforeMs !== null && ctx.now < t.notBeforeMs) return cfFailure(401, 1000, 'Invalid API Token');
    if (!ipAllowed(t.condition, ctx.remoteAddress)) {
      return cfFailure(403, 9109, `Cannot use the access token from location: ${normaliseIp(ctx.remoteAddress)}`);
    }
    return undefined;
  }

  // Besides the seeded admin token, an account token may manage tokens, as
  // on Cloudflare, when a policy allows "Account API Tokens Write" (or, for
  // reads, "Account API Tokens Read") on this account and no policy denies it.
  function authorize(ctx: RequestContext, need: 'read' | 'write' = 'write'): Reply | undefined {
    const token = bearer(ctx);
    if (token === undefined) return cfFailure(400, 6003, 'Invalid request headers');
    const hash = sha256Hex(token);
    if (hash !== adminHash) {
      const t = byValue.get(hash);
      if (t === undefined) return cfFailure(401, 1000, 'Invalid API Token');
      const refused = unusable(t, ctx);
      if (refused !== undefined) return refused;
      if (ctx.params['accountId'] !== t.record.scopeId) return cfFailure(403, 10000, 'Authentication error');
      if (!grantsTokenManagement(t.policies, t.record.scopeId, need)) return cfFailure(403, 9109, 'Unauthorized to access requested resource');
      t.record.lastUsedAtMs = ctx.now;
      return undefined;
    }
    if (ctx.params['accountId'] !== cred.accountId) return cfFailure(403, 10000, 'Authentication error');
    return undefined;
  }

  function render(t: CfToken, now: number): Record<string, unknown> {
    const r = t.record;
    const out: Record<string, unknown> = {
      id: r.id,
      name: r.name,
      status: tokenState(r, now),
      issued_on: isoSeconds(r.createdAtMs),
      modified_on: isoSeconds(t.modifiedAtMs),
      policies: t.policies,
    };
    if (r.lastUsedAtMs !== null) out['last_used_on'] = isoSeconds(r.lastUsedAtMs);
    if (r.expiresAtMs !== null) out['expires_on'] = isoSeconds(r.expiresAtMs);
    if (t.notBeforeMs !== null) out['not_before'] = isoSeconds(t.notBeforeMs);
    if (t.condition !== undefined) out['condition'] = t.condition;
    return out;
  }

  function find(ctx: RequestContext): CfToken | Reply {
    const t = byId.get(ctx.params['tokenId'] ?? '');
    return t ?? cfFailure(404, 1003, 'Token not found');
  }

  function create(ctx: RequestContext): Reply {
    const denied = authorize(ctx);
    if (denied !== undefined) return denied;
    const payload = parseCfPayload(ctx.body);
    if (typeof payload === 'string') return cfFailure(400, CF_INVALID_REQUEST, payload);
    if (byId.size >= CF_ACCOUNT_TOKEN_QUOTA) {
      return cfFailure(400, CF_INVALID_REQUEST, `account token quota exceeded: at most ${CF_ACCOUNT_TOKEN_QUOTA} account API tokens`);
    }
    const value = newCloudflareValue();
    const record: IssuedToken = {
      platform: 'cloudflare',
      id: randomHex(16),
      kind: 'account',
      scope: 'account',
      scopeId: cred.accountId,
      name: payload.name,
      origins: [],
      fingerprint: fingerprint(value),
      createdAtMs: ctx.now,
      revokedAtMs: null,
      lastUsedAtMs: null,
      expiresAtMs: payload.expiresOnMs,
      disabled: false,
    };
    const token: CfToken = {
      record,
      valueHash: sha256Hex(value),
      policies: payload.policies,
      condition: payload.condition,
      notBeforeMs: payload.notBeforeMs,
      modifiedAtMs: ctx.now,
      seq: seq++,
    };
    byId.set(record.id, token);
    byValue.set(token.valueHash, token);
    inventory.add(record, value);
    return cfSuccess({ ...render(token, ctx.now), value });
  }

  function list(ctx: RequestContext): Reply {
    const denied = authorize(ctx, 'read');
    if (denied !== undefined) return denied;
    const page = numberParam(ctx.query.get('page'), 1);
    const perPage = numberParam(ctx.query.get('per_page'), 20);
    const direction = ctx.query.get('direction') ?? 'asc';
    const includeExpired = ctx.query.get('include_expired') === 'true';
    if (page === undefined || page < 1) return cfFailure(400, CF_INVALID_REQUEST, 'page: must be an integer of at least 1');
    if (perPage === undefined || perPage < 5 || perPage > 50) return cfFailure(400, CF_INVALID_REQUEST, 'per_page: must be between 5 and 50');
    if (direction !== 'asc' && direction !== 'desc') return cfFailure(400, CF_INVALID_REQUEST, 'direction: must be one of asc, desc');
    let all = [...byId.values()].filter((t) => includeExpired || tokenState(t.record, ctx.now) !== 'expired');
    all.sort((a, b) => a.seq - b.seq);
    if (direction === 'desc') all = all.reverse();
    const slice = all.slice((page - 1) * perPage, page * perPage);
    return cfSuccess(
      slice.map((t) => render(t, ctx.now)),
      { resultInfo: { page, per_page: perPage, count: slice.length, total_count: all.length, total_pages: Math.ceil(all.length / perPage) } },
    );
  }

  function get(ctx: RequestContext): Reply {
    const denied = authorize(ctx, 'read');
    if (denied !== undefined) return denied;
    const t = find(ctx);
    return 'status' in t ? t : cfSuccess(render(t, ctx.now));
  }

  function update(ctx: RequestContext): Reply {
    const denied = authorize(ctx);
    if (denied !== undefined) return denied;
    const t = find(ctx);
    if ('status' in t) return t;
    const payload = parseCfPayload(ctx.body, t.policies);
    if (typeof payload === 'string') return cfFailure(400, CF_INVALID_REQUEST, payload);
    // PUT replaces the whole object: omitted optional fields are cleared, as the Terraform provider expects.
    t.record.name = payload.name;
    t.policies = payload.policies;
    t.condition = payload.condition;
    t.notBeforeMs = payload.notBeforeMs;
    t.record.expiresAtMs = payload.expiresOnMs;
    if (payload.status !== undefined) t.record.disabled = payload.status === 'disabled';
    t.modifiedAtMs = ctx.now;
    return cfSuccess(render(t, ctx.now));
  }

  function remove(ctx: RequestContext): Reply {
    const denied = authorize(ctx);
    if (denied !== undefined) return denied;
    const t = find(ctx);
    if ('status' in t) return t;
    byId.delete(t.record.id);
    byValue.delete(t.valueHash);
    t.record.revokedAtMs = ctx.now;
    return cfSuccess({ id: t.record.id });
  }

  function roll(ctx: RequestContext): Reply {
    const denied = authorize(ctx);
    if (denied !== undefined) return denied;
    const t = find(ctx);
    if ('status' in t) return t;
    // Rolling invalidates the previous value at once: there is no overlap window.
    const value = newCloudflareValue();
    byValue.delete(t.valueHash);
    t.valueHash = sha256Hex(value);
    byValue.set(t.valueHash, t);
    inventory.revalue(t.record, value);
    t.modifiedAtMs = ctx.now;
    return cfSuccess(value);
  }

  function permissionGroups(ctx: RequestContext): Reply {
    const denied = authorize(ctx, 'read');
    if (denied !== undefined) return denied;
    const name = ctx.query.get('name');
    const scope = ctx.query.get('scope');
    const groups = CF_PERMISSION_GROUPS.filter((g) => (name === null || g.name === name) && (scope === null || g.scopes.includes(scope)));
    return cfSuccess(groups, { resultInfo: { page: 1, per_page: groups.length, count: groups.length, total_count: groups.length } });
  }

  function verify(ctx: RequestContext): Reply {
    const value = bearer(ctx);
    if (value === undefined) return cfFailure(400, 6003, 'Invalid request headers');
    const hash = sha256Hex(value);
    const valid = { code: 10000, message: 'This API Token is valid and active' };
    if (hash === adminHash && ctx.params['accountId'] === cred.accountId) return cfSuccess({ id: adminId, status: 'active' }, { messages: [valid] });
    const t = byValue.get(hash);
    if (t === undefined || t.record.scopeId !== ctx.params['accountId']) return cfFailure(401, 1000, 'Invalid API Token');
    const refused = unusable(t, ctx);
    if (refused !== undefined) return refused;
    t.record.lastUsedAtMs = ctx.now;
    const result: Record<string, unknown> = { id: t.record.id, status: 'active' };
    if (t.record.expiresAtMs !== null) result['expires_on'] = isoSeconds(t.record.expiresAtMs);
    if (t.notBeforeMs !== null) result['not_before'] = isoSeconds(t.notBeforeMs);
    return cfSuccess(result, { messages: [valid] });
  }

  const op = (name: string, operationId: string, handle: Operation['handle'], extra: Partial<Operation> = {}): Operation => ({
    name,
    kind: 'manage',
    commits: false,
    spec: { doc: 'cloudflare', operationId, stripSegments: 0 },
    handle,
    ...extra,
  });
  const base = '/accounts/:accountId/tokens';
  const router = new Router<Operation>()
    .add('GET', base, op('listTokens', 'account-api-tokens-list-tokens', list))
    .add('POST', base, op('createToken', 'account-api-tokens-create-token', create, { commits: true }))
    .add('GET', `${base}/permission_groups`, op('listPermissionGroups', 'account-api-tokens-list-permission-groups', permissionGroups))
    .add('GET', `${base}/verify`, op('verifyToken', 'account-api-tokens-verify-token', verify, { kind: 'use' }))
    .add('GET', `${base}/:tokenId`, op('getToken', 'account-api-tokens-token-details', get))
    .add('PUT', `${base}/:tokenId`, op('updateToken', 'account-api-tokens-update-token', update))
    .add('DELETE', `${base}/:tokenId`, op('deleteToken', 'account-api-tokens-delete-token', remove))
    .add('PUT', `${base}/:tokenId/value`, op('rollToken', 'account-api-tokens-roll-token', roll));

  return {
    name: 'cloudflare',
    prefix: '/cloudflare/client/v4',
    router,
    limiter: new FixedWindowLimiter(deps.rateLimit),
    rateLimitKey: (ctx) => header(ctx, 'authorization') ?? '',
    rateLimitHeaders: cfRateLimitHeaders,
    tooManyRequests: (info) => cfTooManyRequests(info, Date.now()),
    internalError: () => cfFailure(500, 10001, 'Internal server error'),
    notFound: () => cfFailure(404, 7003, 'No route for the URI'),
    methodNotAllowed: () => cfFailure(405, 7001, 'Method not allowed for this endpoint'),
    malformedBody: () => cfFailure(400, 6007, 'Malformed JSON in request body'),
    clearTokens: () => {
      byId.clear();
      byValue.clear();
    },
  };
}

const TOKEN_GROUPS = { read: ['Account API Tokens Read', 'Account API Tokens Write'], write: ['Account API Tokens Write'] } as const;

/**
 * grantsTokenManagement tells whether policies let a token manage the
 * account's tokens: an allow policy naming a token-management group on the
 * account (or every account), and no deny policy naming one.
 */
export function grantsTokenManagement(policies: readonly CfPolicy[], accountId: string, need: 'read' | 'write'): boolean {
  const covers = (p: CfPolicy): boolean =>
    p.permission_groups.some((g) => (TOKEN_GROUPS[need] as readonly string[]).includes(g.name)) &&
    Object.keys(p.resources).some((r) => r === `com.cloudflare.api.account.${accountId}` || r === 'com.cloudflare.api.account.*');
  return policies.some((p) => p.effect === 'allow' && covers(p)) && !policies.some((p) => p.effect === 'deny' && covers(p));
}

function numberParam(raw: string | null, fallback: number): number | undefined {
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) ? n : undefined;
}

function normaliseIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
