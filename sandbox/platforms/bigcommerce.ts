import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { fingerprint, randomHex, sha256Hex } from '../ids.js';
import type { Inventory, IssuedToken } from '../inventory.js';
import { tokenState } from '../inventory.js';
import type { BigCommerceCredentials } from '../options.js';
import { header, isRecord, type Operation, type PlatformModule, type Reply, type RequestContext } from '../platform.js';
import { FixedWindowLimiter, type RateLimitConfig } from '../rate-limiter.js';
import { Router } from '../router.js';
import { bcError, bcFieldErrors, bcRateLimitHeaders, bcTooManyRequests } from './bigcommerce-envelopes.js';

/** BC_TOKEN_TYPE maps token kinds to the JWT `token_type` claim; 3 for private tokens is our assumption. */
export const BC_TOKEN_TYPE = { storefront: 1, impersonation: 2, private: 3 } as const;

type BcKind = keyof typeof BC_TOKEN_TYPE;

const SCOPE_TOKENS = 'store_storefront_api';
const SCOPE_IMPERSONATION = 'store_storefront_api_customer_impersonation';
const PRIVATE_SCOPES: ReadonlySet<string> = new Set(['Unauthenticated', 'Customer', 'B2B']);
// Storefront tokens created after this instant lose server-to-server use; older ones keep it until S2S_END_MS.
const S2S_CUTOFF_MS = Date.UTC(2026, 6, 1);
const S2S_END_MS = Date.UTC(2027, 3, 1);
// `expires_at` values above this are treated as milliseconds (or finer), which the API rejects.
const MAX_SECONDS = 1e11;
const JWT_HEADER_B64 = Buffer.from('{"typ":"JWT","alg":"ES256"}').toString('base64url');

interface BcToken {
  readonly record: IssuedToken;
  readonly kind: BcKind;
  readonly storeHash: string;
}

/** BigCommerceSigner holds the per-sandbox ES256 key that signs every issued JWT. */
export interface BigCommerceSigner {
  readonly privateKey: KeyObject;
  /** jwks is the public key set served at `/bigcommerce/.well-known/jwks.json` (sandbox-only). */
  readonly jwks: { keys: Record<string, unknown>[] };
}

/** createBigCommerceSigner makes a fresh P-256 key; node's synchronous signer is ~2.5x faster than WebCrypto here. */
export function createBigCommerceSigner(): BigCommerceSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = sha256Hex(JSON.stringify(jwk)).slice(0, 16);
  return { privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })), jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] } };
}

/** BigCommerceDeps are what the BigCommerce module needs from the sandbox. */
export interface BigCommerceDeps {
  readonly credentials: BigCommerceCredentials;
  readonly inventory: Inventory;
  readonly rateLimit: RateLimitConfig;
  readonly signer: BigCommerceSigner;
}

/** createBigCommerce builds the BigCommerce Storefront API token emulation mounted at `/bigcommerce`. */
export function createBigCommerce(deps: BigCommerceDeps): PlatformModule {
  const { credentials: cred, inventory, signer } = deps;
  const tokens = new Map<string, BcToken>();

  function authorize(ctx: RequestContext, scope: string): Reply | undefined {
    if (ctx.params['storeHash'] !== cred.storeHash || header(ctx, 'x-auth-token') !== cred.accessToken) {
      return bcError(401, 'Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.');
    }
    if (!cred.scopes.includes(scope)) {
      return bcError(403, "You don't have a required scope to access the endpoint");
    }
    return undefined;
  }

  function create(kind: BcKind) {
    return (ctx: RequestContext): Reply => {
      const denied = authorize(ctx, kind === 'impersonation' ? SCOPE_IMPERSONATION : SCOPE_TOKENS);
      if (denied !== undefined) return denied;
      const body: Record<string, unknown> = isRecord(ctx.body) ? ctx.body : {};
      const parsed = parseCreate(body, kind);
      if ('errors' in parsed) return parsed.reply;
      const iat = Math.floor(ctx.now / 1000);
      const jti = randomHex(16);
      const claims: Record<string, unknown> = {
        cid: parsed.cid,
        cors: kind === 'storefront' ? parsed.origins : [],
        eat: parsed.expiresAt,
        iat,
        iss: 'BC',
        sid: cred.storeId,
        sub: cred.clientId,
        sub_type: 2,
        token_type: BC_TOKEN_TYPE[kind],
      };
      if (kind === 'private') claims['scopes'] = parsed.scopes;
      claims['jti'] = jti;
      const jwt = signJwt(signer.privateKey, claims);
      const record: IssuedToken = {
        platform: 'bigcommerce',
        id: jti,
        kind,
        scope: 'store',
        scopeId: cred.storeHash,
        name: `${kind} token`,
        origins: kind === 'storefront' ? parsed.origins : [],
        fingerprint: fingerprint(jwt),
        createdAtMs: ctx.now,
        revokedAtMs: null,
        lastUsedAtMs: null,
        expiresAtMs: parsed.expiresAt === 0 ? null : parsed.expiresAt * 1000,
        disabled: false,
      };
      tokens.set(sha256Hex(jwt), { record, kind, storeHash: cred.storeHash });
      inventory.add(record, jwt);
      return { status: 200, body: { data: { token: jwt }, meta: {} } };
    };
  }

  function revoke(ctx: RequestContext): Reply {
    const denied = authorize(ctx, SCOPE_TOKENS);
    if (denied !== undefined) return denied;
    const jwt = header(ctx, 'sf-api-token');
    const token = jwt === undefined || jwt === '' ? undefined : tokens.get(sha256Hex(jwt));
    if (token === undefined || token.storeHash !== cred.storeHash) {
      return bcError(422, 'Invalid JWT Token provided or missing JWT token header');
    }
    // The real API only schedules revocation; the sandbox applies it at once so tests see a definite state.
    token.record.revokedAtMs ??= ctx.now;
    return { status: 200 };
  }

  function useGraphql(ctx: RequestContext): Reply {
    const m = /^Bearer\s+(\S+)$/i.exec(header(ctx, 'authorization') ?? '');
    const token = m?.[1] === undefined ? undefined : tokens.get(sha256Hex(m[1]));
    if (token === undefined || token.storeHash !== ctx.params['storeHash'] || tokenState(token.record, ctx.now) !== 'active') {
      return { status: 401, body: { errors: [{ message: 'Invalid token' }] } };
    }
    const origin = header(ctx, 'origin');
    const refusal = originRefusal(token, origin, ctx.now);
    if (refusal !== undefined) return { status: 403, body: { errors: [{ message: refusal }] } };
    token.record.lastUsedAtMs = ctx.now;
    const headers: Record<string, string> = origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin };
    return { status: 200, headers, body: { data: { site: { settings: { storeName: 'Sandbox Store', storeHash: cred.storeHash } } } } };
  }

  const op = (name: string, operationId: string, handle: Operation['handle'], commits: boolean): Operation => ({
    name,
    kind: 'manage',
    commits,
    spec: { doc: 'bigcommerce', operationId, stripSegments: 3 },
    handle,
  });
  const router = new Router<Operation>()
    .add('POST', '/stores/:storeHash/v3/storefront/api-token', op('createToken', 'createToken', create('storefront'), true))
    .add('DELETE', '/stores/:storeHash/v3/storefront/api-token', op('revokeToken', 'revokeToken', revoke, false))
    .add('POST', '/stores/:storeHash/v3/storefront/api-token-private', op('createPrivateToken', 'createPrivateToken', create('private'), true))
    .add(
      'POST',
      '/stores/:storeHash/v3/storefront/api-token-customer-impersonation',
      op('createTokenWithCustomerImpersonation', 'createTokenWithCustomerImpersonation', create('impersonation'), true),
    )
    .add('POST', '/stores/:storeHash/graphql', { name: 'useGraphql', kind: 'use', commits: false, handle: useGraphql })
    .add('GET', '/.well-known/jwks.json', { name: 'jwks', kind: 'public', commits: false, handle: () => ({ status: 200, body: signer.jwks }) });

  return {
    name: 'bigcommerce',
    prefix: '/bigcommerce',
    router,
    limiter: new FixedWindowLimiter(deps.rateLimit),
    rateLimitKey: (ctx) => ctx.params['storeHash'] ?? '',
    rateLimitHeaders: bcRateLimitHeaders,
    tooManyRequests: bcTooManyRequests,
    internalError: () => bcError(500, 'Internal Server Error'),
    notFound: () => bcError(404, 'The requested resource was not found.'),
    methodNotAllowed: () => bcError(405, 'Method Not Allowed'),
    malformedBody: () => bcError(422, 'Invalid JSON request body - missing or invalid data.'),
    clearTokens: () => {
      tokens.clear();
    },
  };
}

/** originRefusal applies the browser rules: storefront tokens need an allowed Origin (or pre-cutoff S2S); others reject browsers. */
function originRefusal(token: BcToken, origin: string | undefined, now: number): string | undefined {
  if (token.kind !== 'storefront') {
    return origin === undefined ? undefined : `${token.kind === 'private' ? 'Private' : 'Customer impersonation'} tokens cannot be used from a browser`;
  }
  if (origin !== undefined) return token.record.origins.includes(origin) ? undefined : 'Origin not allowed for this token';
  const s2sAllowed = token.record.createdAtMs < S2S_CUTOFF_MS && now < S2S_END_MS;
  return s2sAllowed ? undefined : 'Storefront tokens created after 2026-06-30 do not support server-to-server requests; use a private token';
}

function signJwt(key: KeyObject, claims: Record<string, unknown>): string {
  const input = `${JWT_HEADER_B64}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

type ParsedCreate =
  | { cid: number | number[]; origins: string[]; expiresAt: number; scopes: string[] }
  | { errors: true; reply: Reply };

const SUFFIX_MESSAGE =
  'A supplied origin has a trailing slash or other special character following the end of the domain. Please remove any trailing characters in supplied origins.';

function parseCreate(body: Record<string, unknown>, kind: BcKind): ParsedCreate {
  const errors: Record<string, string> = {};
  const expiresAt = body['expires_at'];
  if (expiresAt === undefined) errors['expires_at:required'] = 'The field expires_at is required.';
  else if (typeof expiresAt !== 'number' || !Number.isInteger(expiresAt)) errors['expires_at:invalid_type'] = 'expires_at must be an integer Unix timestamp in seconds.';
  else if (expiresAt < 0) errors['expires_at:minimum'] = 'expires_at must not be negative.';
  else if (expiresAt > MAX_SECONDS) {
    errors['expires_at:invalid_unit'] = 'expires_at must be in seconds; milliseconds, microseconds and nanoseconds are not supported.';
  }
  const cid = parseChannels(body, errors);
  let origins: string[] = [];
  if (kind === 'storefront' && body['allowed_cors_origins'] !== undefined) {
    const raw = body['allowed_cors_origins'];
    if (!Array.isArray(raw) || raw.some((o) => typeof o !== 'string' || o === '')) {
      errors['allowed_cors_origins:invalid_type'] = 'allowed_cors_origins must be an array of non-empty strings.';
    } else if (raw.length > 2) {
      return { errors: true, reply: bcError(422, 'Allowed CORS origins list length should not be greater than 2', { allowed_cors_origins: 'Allowed CORS origins list length should not be greater than 2' }) };
    } else if (raw.length === 0) {
      errors['allowed_cors_origins:min_items'] = 'allowed_cors_origins must contain at least one origin when present.';
    } else {
      origins = raw as string[];
      const suffix = origins.some((o) => /^https?:\/\/[^/?#]+[/?#]/i.test(o));
      if (suffix) return { errors: true, reply: bcFieldErrors({ 'allowed_cors_origins:has_invalid_suffix': SUFFIX_MESSAGE }) };
      if (origins.some((o) => !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o))) {
        errors['allowed_cors_origins:invalid_origin'] = 'A supplied origin is not a valid origin (scheme://host[:port], no wildcards).';
      }
    }
  }
  let scopes: string[] = [];
  if (kind === 'private') {
    const raw = body['scopes'];
    if (raw === undefined) errors['scopes:required'] = 'The field scopes is required for private tokens.';
    else if (!Array.isArray(raw) || raw.length === 0) errors['scopes:min_items'] = 'scopes must contain at least one scope.';
    else if (raw.some((s) => typeof s !== 'string' || !PRIVATE_SCOPES.has(s))) errors['scopes:invalid_value'] = 'scopes may only contain Unauthenticated, Customer or B2B.';
    else scopes = raw as string[];
  }
  if (Object.keys(errors).length > 0 || cid === undefined || typeof expiresAt !== 'number') {
    return { errors: true, reply: bcFieldErrors(errors) };
  }
  return { cid, origins, expiresAt, scopes };
}

function parseChannels(body: Record<string, unknown>, errors: Record<string, string>): number | number[] | undefined {
  const single = body['channel_id'];
  const many = body['channel_ids'];
  if (single === undefined && many === undefined) {
    errors['channel_id:required'] = 'One of channel_id or channel_ids is required.';
    return undefined;
  }
  if (single !== undefined && many !== undefined) {
    errors['channel_ids:conflict'] = 'Use either channel_id or channel_ids, not both.';
    return undefined;
  }
  if (single !== undefined) {
    if (typeof single === 'number' && Number.isInteger(single) && single >= 1) return single;
    errors['channel_id:invalid_type'] = 'channel_id must be an integer of at least 1.';
    return undefined;
  }
  if (Array.isArray(many) && many.length > 0 && many.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 1)) {
    return many as number[];
  }
  errors['channel_ids:invalid_type'] = 'channel_ids must be a non-empty array of integers of at least 1.';
  return undefined;
}
