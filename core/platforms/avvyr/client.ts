import { z } from 'zod';
import { CoreError } from '../../errors.js';
import { SecretValue } from '../../secret.js';
import type { StorefrontTokenSpec } from '../../schema/storefront-token.js';
import type {
  ConnectOptions,
  Connection,
  InDoubtResolution,
  IssueRequest,
  IssuedToken,
  Observation,
  ObservedSpec,
  PlatformClient,
  TokenRef,
} from '../../contract/adapter.js';
import { connectHttp, requireCredential, type HttpTestHooks } from '../http/connect.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/http-client.js';
import { parseAnswer } from '../http/protocol.js';
import { specBlock } from '../http/spec-block.js';
import { avvyrCapabilities } from './capabilities.js';
import { avvyrTokenWire, readAvvyrError, type AvvyrTokenWire } from './wire.js';

type Block = NonNullable<StorefrontTokenSpec['avvyr']>;

const createdAnswer = z.looseObject({ data: avvyrTokenWire, value: z.string().min(1).nullable() });
const tokenAnswer = z.looseObject({ data: avvyrTokenWire });

/**
 * An AvvyrClient manages tenant- and market-level storefront tokens through
 * the API this project assumes for Avvyr (sandbox/openapi/avvyr.openapi.yaml).
 * Creates carry the request's idempotency key, so they are retried safely.
 * Token refs are `<tenantId>/<tokenId>`, since every item path names the tenant.
 */
export class AvvyrClient implements PlatformClient {
  readonly #http: HttpClient;
  readonly #apiKey: SecretValue;

  constructor(connection: Connection, options: ConnectOptions & HttpTestHooks = {}) {
    this.#apiKey = requireCredential(connection, 'apiKey', 'avvyr');
    this.#http = connectHttp(
      { platform: 'avvyr', capabilities: avvyrCapabilities, readErrorMessage: readAvvyrError },
      connection,
      options,
    );
  }

  /**
   * issue POSTs with `Idempotency-Key`. If a retry inside this call meets a
   * replay (an earlier attempt landed but its answer was lost), the value is
   * gone for good, so the create is in doubt: resolveInDoubt will report the
   * token found without a value, to be revoked and created anew.
   */
  async issue(request: IssueRequest, signal?: AbortSignal): Promise<IssuedToken> {
    const { token, value } = await this.#create(request, signal);
    if (value === null) {
      throw new CoreError('ERR_CREATE_IN_DOUBT', 'avvyr create landed on an earlier attempt whose answer was lost; Avvyr never shows the value again', {
        platform: 'avvyr',
      });
    }
    const secret = new SecretValue(value);
    return { ref: { id: refId(token) }, value: secret, issuedAt: new Date(token.createdAt), observed: observedOf(token) };
  }

  /** observe GETs the token: 404 is `missing`; `lastUsedAt` comes from the platform. */
  async observe(ref: TokenRef, signal?: AbortSignal): Promise<Observation> {
    const response = await this.#call('get', 'GET', itemPath(ref), signal, { accept: [404] });
    if (response.status === 404) return { state: 'missing' };
    return observationOf(parseAnswer(tokenAnswer, response.body, 'avvyr', 'get').data);
  }

  /** update PATCHes name and allowedOrigins, the only fields Avvyr changes in place; a revoked token is a conflict. */
  async update(ref: TokenRef, request: Omit<IssueRequest, 'idempotencyKey'>, signal?: AbortSignal): Promise<Observation> {
    const block = specBlock(request.spec, 'avvyr');
    const response = await this.#call('update', 'PATCH', itemPath(ref), signal, { body: { name: request.name, allowedOrigins: block.allowedOrigins } });
    return observationOf(parseAnswer(tokenAnswer, response.body, 'avvyr', 'update').data);
  }

  /** revoke POSTs …/revoke, which Avvyr makes idempotent; a 404 (no such token) is success too. */
  async revoke(ref: TokenRef, signal?: AbortSignal): Promise<void> {
    await this.#call('revoke', 'POST', `${itemPath(ref)}/revoke`, signal, { accept: [404] });
  }

  /**
   * resolveInDoubt replays the create with the same key and body. A replay
   * (200, `Idempotent-Replayed`) means it had landed: `found`, without a value.
   * A 201 means it had not landed, and this replay just created it: `found`
   * WITH the value, so the caller must deliver it like a fresh issue.
   */
  async resolveInDoubt(request: IssueRequest, signal?: AbortSignal): Promise<InDoubtResolution> {
    const { token, value } = await this.#create(request, signal);
    const ref = { id: refId(token) };
    return value === null ? { outcome: 'found', ref } : { outcome: 'found', ref, value: new SecretValue(value) };
  }

  async #create(request: IssueRequest, signal: AbortSignal | undefined): Promise<{ token: AvvyrTokenWire; value: string | null }> {
    const block = specBlock(request.spec, 'avvyr');
    const response = await this.#http.request({
      operation: 'create',
      method: 'POST',
      path: collectionPath(block),
      headers: { ...this.#auth(), 'Idempotency-Key': request.idempotencyKey },
      body: { name: request.name, allowedOrigins: block.allowedOrigins },
      retry: 'idempotentCreate',
      signal,
    });
    try {
      const answer = parseAnswer(createdAnswer, response.body, 'avvyr', 'create');
      return { token: answer.data, value: answer.value };
    } catch (error) {
      throw new CoreError('ERR_CREATE_IN_DOUBT', 'avvyr create succeeded without a readable answer; resolve it by replaying the key', { cause: error, platform: 'avvyr' });
    }
  }

  #call(operation: string, method: 'GET' | 'PATCH' | 'POST', path: string, signal: AbortSignal | undefined, extra: Pick<HttpRequest, 'body' | 'accept'> = {}): Promise<HttpResponse> {
    return this.#http.request({ operation, method, path, headers: this.#auth(), retry: 'idempotent', signal, ...extra });
  }

  #auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.#apiKey.reveal()}` };
  }
}

function collectionPath(block: Block): string {
  const tenant = `/v1/tenants/${encodeURIComponent(block.tenantId)}`;
  if (block.level === 'market') {
    if (block.marketId === undefined) throw new CoreError('ERR_SCHEMA_INVALID', 'marketId is required when level is market', { path: ['avvyr', 'marketId'], platform: 'avvyr' });
    return `${tenant}/markets/${encodeURIComponent(block.marketId)}/storefront-tokens`;
  }
  return `${tenant}/storefront-tokens`;
}

function refId(token: AvvyrTokenWire): string {
  return `${token.tenantId}/${token.id}`;
}

function itemPath(ref: TokenRef): string {
  const [tenantId, tokenId, ...rest] = (ref.id ?? '').split('/');
  if (tenantId === undefined || tenantId === '' || tokenId === undefined || tokenId === '' || rest.length > 0) {
    throw new CoreError('ERR_UNSUPPORTED', 'An Avvyr token reference must be "<tenantId>/<tokenId>"', { platform: 'avvyr' });
  }
  return `/v1/tenants/${encodeURIComponent(tenantId)}/storefront-tokens/${encodeURIComponent(tokenId)}`;
}

function observedOf(token: AvvyrTokenWire): ObservedSpec {
  return {
    displayName: token.name,
    block: { allowedOrigins: [...token.allowedOrigins], level: token.level, ...(token.marketId === null ? {} : { marketId: token.marketId }) },
  };
}

function observationOf(token: AvvyrTokenWire): Observation {
  const lastUsedAt = token.lastUsedAt === null ? undefined : new Date(token.lastUsedAt);
  return { state: token.status, ...(lastUsedAt === undefined ? {} : { lastUsedAt }), observed: observedOf(token) };
}
