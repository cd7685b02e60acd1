import { z } from 'zod';
import { CoreError } from '../../errors.js';
import { SecretValue } from '../../secret.js';
import type { ConnectOptions, Connection, InDoubtResolution, IssueRequest, IssuedToken, Observation, PlatformClient, TokenRef } from '../../contract/adapter.js';
import { connectHttp, requireCredential, type HttpTestHooks } from '../http/connect.js';
import type { HttpClient } from '../http/http-client.js';
import { parseAnswer } from '../http/protocol.js';
import { specBlock } from '../http/spec-block.js';
import { bigcommerceCapabilities } from './capabilities.js';
import { observedFromClaims, readBigCommerceClaims } from './jwt.js';
import { readBigCommerceError } from './wire.js';

const createdSchema = z.object({ data: z.object({ token: z.string().min(1) }) });

const ENDPOINT = {
  storefront: '/storefront/api-token',
  private: '/storefront/api-token-private',
  customerImpersonation: '/storefront/api-token-customer-impersonation',
} as const;

/**
 * A BigCommerceClient manages Storefront API tokens of the stores one API
 * account can reach. BigCommerce has no read, list or update endpoint: the
 * JWT's own claims are all observe can report, and revoke presents the JWT.
 */
export class BigCommerceClient implements PlatformClient {
  readonly #http: HttpClient;
  readonly #accessToken: SecretValue;
  readonly #now: () => number;

  constructor(connection: Connection, options: ConnectOptions & HttpTestHooks = {}) {
    this.#accessToken = requireCredential(connection, 'accessToken', 'bigcommerce');
    this.#now = options.now ?? Date.now;
    this.#http = connectHttp(
      { platform: 'bigcommerce', capabilities: bigcommerceCapabilities, readErrorMessage: readBigCommerceError },
      connection,
      options,
    );
  }

  /** issue POSTs to the endpoint of the block's kind; a lost answer is in doubt, never retried. */
  async issue(request: IssueRequest, signal?: AbortSignal): Promise<IssuedToken> {
    const block = specBlock(request.spec, 'bigcommerce');
    if (request.expiresAt === undefined) {
      throw new CoreError('ERR_SCHEMA_INVALID', 'BigCommerce tokens need an expiry; set lifetime.ttl or lifetime.expiresAt', { path: ['lifetime'], platform: 'bigcommerce' });
    }
    const body: Record<string, unknown> = { channel_ids: block.channelIds, expires_at: Math.floor(request.expiresAt.getTime() / 1000) };
    if (block.kind === 'storefront' && block.allowedCorsOrigins !== undefined) body['allowed_cors_origins'] = block.allowedCorsOrigins;
    if (block.kind === 'private') body['scopes'] = block.scopes;
    const response = await this.#http.request({
      operation: 'create',
      method: 'POST',
      path: `/stores/${encodeURIComponent(block.storeHash)}/v3${ENDPOINT[block.kind]}`,
      headers: this.#auth(),
      body,
      retry: 'create',
      signal,
    });
    const created = parseCreated(response.body);
    const value = new SecretValue(created.data.token);
    const claims = readBigCommerceClaims(value);
    const expiresAt = claims.expiresAt ?? request.expiresAt;
    const ref = { id: bigcommerceTokenId(block.storeHash, value), value };
    return { ref, value, issuedAt: claims.issuedAt ?? new Date(this.#now()), expiresAt, observed: observedFromClaims(claims) };
  }

  /**
   * observe reads the JWT's claims; it makes no call. Without a read endpoint
   * nothing can say a token was revoked, so the state is `expired` once `eat`
   * has passed and `unknown` otherwise, never `active`.
   */
  observe(ref: TokenRef): Promise<Observation> {
    if (ref.value === undefined) return Promise.resolve({ state: 'unknown' });
    const claims = readBigCommerceClaims(ref.value);
    const expired = claims.expiresAt !== undefined && claims.expiresAt.getTime() <= this.#now();
    return Promise.resolve({
      state: expired ? 'expired' : 'unknown',
      ...(claims.expiresAt === undefined ? {} : { expiresAt: claims.expiresAt }),
      observed: observedFromClaims(claims),
    });
  }

  /**
   * revoke DELETEs with `Sf-Api-Token`. An expired JWT needs no call, and a
   * 422 (BigCommerce's "Invalid JWT Token provided") is success: a JWT the
   * store does not recognise cannot be used, which is all revoke promises.
   * BigCommerce only schedules the revocation; it takes effect shortly after.
   */
  async revoke(ref: TokenRef, signal?: AbortSignal): Promise<void> {
    if (ref.value === undefined) {
      throw new CoreError('ERR_UNSUPPORTED', 'BigCommerce can revoke a token only with its value, and none was kept', { platform: 'bigcommerce' });
    }
    const claims = readBigCommerceClaims(ref.value);
    if (claims.expiresAt !== undefined && claims.expiresAt.getTime() <= this.#now()) return;
    const storeHash = await this.#storeHashFor(ref);
    await this.#http.request({
      operation: 'revoke',
      method: 'DELETE',
      path: `/stores/${encodeURIComponent(storeHash)}/v3/storefront/api-token`,
      headers: { ...this.#auth(), 'Sf-Api-Token': ref.value.reveal() },
      retry: 'idempotent',
      accept: [422],
      secrets: [ref.value],
      signal,
    });
  }

  /** resolveInDoubt is always `unknowable`: no list, no read, no idempotency; an orphan expires at its `expires_at`. */
  resolveInDoubt(): Promise<InDoubtResolution> {
    return Promise.resolve({ outcome: 'unknowable' });
  }

  #auth(): Record<string, string> {
    return { 'X-Auth-Token': this.#accessToken.reveal() };
  }

  #storeHashFor(ref: TokenRef): Promise<string> {
    // The JWT names the store by numeric id only; the hash travels in the ref id set at issue.
    const hash = ref.id?.split('/')[0];
    if (hash === undefined || hash === '') {
      return Promise.reject(new CoreError('ERR_UNSUPPORTED', 'The BigCommerce token reference does not name its store', { platform: 'bigcommerce' }));
    }
    return Promise.resolve(hash);
  }
}

/**
 * bigcommerceTokenId is the id we give a BigCommerce token, which has none of
 * its own: `<storeHash>/<value fingerprint>`, so revoke knows the store.
 */
export function bigcommerceTokenId(storeHash: string, value: SecretValue): string {
  return `${storeHash}/${value.fingerprint}`;
}

function parseCreated(body: unknown): z.output<typeof createdSchema> {
  try {
    return parseAnswer(createdSchema, body, 'bigcommerce', 'create');
  } catch (error) {
    // A 200 without a readable token did create one we can never see again.
    throw new CoreError('ERR_CREATE_IN_DOUBT', 'bigcommerce create answered 200 without a readable token; an unusable token may exist until it expires', {
      cause: error,
      platform: 'bigcommerce',
    });
  }
}
