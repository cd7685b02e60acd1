import { z } from 'zod';
import { CoreError, isCoreError } from '../../errors.js';
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
  TokenState,
} from '../../contract/adapter.js';
import { connectHttp, requireCredential, type HttpTestHooks } from '../http/connect.js';
import type { HttpClient, HttpMethod, HttpRequest } from '../http/http-client.js';
import { parseAnswer } from '../http/protocol.js';
import { specBlock } from '../http/spec-block.js';
import { cloudflareCapabilities } from './capabilities.js';
import { markerOf, nameMarker, stripMarker, withMarker } from './name-marker.js';
import { policiesFromWire, policiesToWire } from './policies.js';
import { formatCloudflareTokenId, parseCloudflareTokenId, type CloudflareTokenId } from './token-id.js';
import { cloudflareTokenWire, envelope, readCloudflareError, type CloudflareTokenWire } from './wire.js';

type Block = NonNullable<StorefrontTokenSpec['cloudflare']>;

const NAME_MAX = cloudflareCapabilities.nameMaxLength ?? 120;
const PAGE_SIZE = 50;
const tokenAnswer = envelope(cloudflareTokenWire);
const createdAnswer = envelope(cloudflareTokenWire.extend({ value: z.string().min(1) }));
const listAnswer = envelope(z.array(cloudflareTokenWire));
const rolledAnswer = envelope(z.string().min(1));

/**
 * A CloudflareClient manages account-owned API tokens: full CRUD, roll, and
 * a name marker in place of the idempotency key Cloudflare lacks. The IP
 * condition is sent as `request_ip`, the key of the current SDK, Terraform
 * provider and our account-token spec (the older docs say `request.ip`).
 */
export class CloudflareClient implements PlatformClient {
  readonly #http: HttpClient;
  readonly #apiToken: SecretValue;
  readonly #now: () => number;

  constructor(connection: Connection, options: ConnectOptions & HttpTestHooks = {}) {
    this.#apiToken = requireCredential(connection, 'apiToken', 'cloudflare');
    this.#now = options.now ?? Date.now;
    this.#http = connectHttp(
      { platform: 'cloudflare', capabilities: cloudflareCapabilities, readErrorMessage: readCloudflareError },
      connection,
      options,
    );
  }

  /** issue creates the token with the in-doubt marker in its name; a lost answer is in doubt, never retried. */
  async issue(request: IssueRequest, signal?: AbortSignal): Promise<IssuedToken> {
    const block = specBlock(request.spec, 'cloudflare');
    const body = {
      name: withMarker(request.name, nameMarker(request.idempotencyKey), NAME_MAX),
      ...settingsToWire(block),
      ...(request.expiresAt === undefined ? {} : { expires_on: isoSeconds(request.expiresAt) }),
    };
    const response = await this.#call('create', 'POST', collection(block.accountId), signal, { body, retry: 'create' });
    let token: z.output<typeof createdAnswer>['result'];
    try {
      token = parseAnswer(createdAnswer, response.body, 'cloudflare', 'create').result;
    } catch (error) {
      throw new CoreError('ERR_CREATE_IN_DOUBT', 'cloudflare create succeeded without a readable token; resolve it by its name marker', { cause: error, platform: 'cloudflare' });
    }
    const value = new SecretValue(token.value);
    const expiresAt = dateOf(token.expires_on);
    return {
      ref: { id: formatCloudflareTokenId({ accountId: block.accountId, tokenId: token.id }) },
      value,
      issuedAt: dateOf(token.issued_on) ?? new Date(this.#now()),
      ...(expiresAt === undefined ? {} : { expiresAt }),
      observed: observedOf(token),
    };
  }

  /** observe GETs the token; 404 is `missing`, `expired` and `revoked (exposed)` are reported as such. */
  async observe(ref: TokenRef, signal?: AbortSignal): Promise<Observation> {
    const id = parseCloudflareTokenId(ref.id);
    const response = await this.#call('get', 'GET', item(id), signal, { accept: [404] });
    if (response.status === 404) return { state: 'missing' };
    return this.#observation(parseAnswer(tokenAnswer, response.body, 'cloudflare', 'get').result);
  }

  /**
   * update PUTs the full token object (Cloudflare's PUT replaces it): the
   * in-place fields from the spec, and the current expiry, status and name
   * marker read just before, so nothing else changes.
   */
  async update(ref: TokenRef, request: Omit<IssueRequest, 'idempotencyKey'>, signal?: AbortSignal): Promise<Observation> {
    const id = parseCloudflareTokenId(ref.id);
    const block = specBlock(request.spec, 'cloudflare');
    const current = parseAnswer(tokenAnswer, (await this.#call('get', 'GET', item(id), signal)).body, 'cloudflare', 'get').result;
    const body = {
      name: withMarker(request.name, markerOf(current.name), NAME_MAX),
      ...settingsToWire(block),
      status: current.status,
      ...(current.expires_on === null || current.expires_on === undefined ? {} : { expires_on: current.expires_on }),
    };
    const response = await this.#call('update', 'PUT', item(id), signal, { body });
    return this.#observation(parseAnswer(tokenAnswer, response.body, 'cloudflare', 'update').result);
  }

  /** revoke DELETEs the token; a 404 (already deleted) is success. */
  async revoke(ref: TokenRef, signal?: AbortSignal): Promise<void> {
    const id = parseCloudflareTokenId(ref.id);
    await this.#call('revoke', 'DELETE', item(id), signal, { body: {}, accept: [404] });
  }

  /** roll replaces the value in place (PUT …/value); the old value stops working at once. */
  async roll(ref: TokenRef, signal?: AbortSignal): Promise<IssuedToken> {
    const id = parseCloudflareTokenId(ref.id);
    const rolled = await this.#call('roll', 'PUT', `${item(id)}/value`, signal, { body: {} });
    const value = new SecretValue(parseAnswer(rolledAnswer, rolled.body, 'cloudflare', 'roll').result);
    const issuedAt = new Date(this.#now());
    const token = parseAnswer(tokenAnswer, (await this.#call('get', 'GET', item(id), signal)).body, 'cloudflare', 'get').result;
    const expiresAt = dateOf(token.expires_on);
    return { ref: { id: formatCloudflareTokenId(id) }, value, issuedAt, ...(expiresAt === undefined ? {} : { expiresAt }), observed: observedOf(token) };
  }

  /**
   * resolveInDoubt lists the account's tokens for the request's name marker.
   * A match is `found` without a value (Cloudflare never shows it again; roll
   * it to get one); no match is `absent`.
   */
  async resolveInDoubt(request: IssueRequest, signal?: AbortSignal): Promise<InDoubtResolution> {
    const block = specBlock(request.spec, 'cloudflare');
    const marker = nameMarker(request.idempotencyKey);
    for (let page = 1; ; page++) {
      const query = { page: String(page), per_page: String(PAGE_SIZE) };
      const response = await this.#call('list', 'GET', collection(block.accountId), signal, { query });
      const answer = parseAnswer(listAnswer, response.body, 'cloudflare', 'list');
      const match = answer.result.find((t) => t.name.endsWith(marker));
      if (match !== undefined) {
        const expiresAt = dateOf(match.expires_on);
        const ref = { id: formatCloudflareTokenId({ accountId: block.accountId, tokenId: match.id }) };
        return { outcome: 'found', ref, ...(expiresAt === undefined ? {} : { expiresAt }) };
      }
      const total = answer.result_info?.total_count;
      const done = answer.result.length < PAGE_SIZE || (total !== undefined && page * PAGE_SIZE >= total);
      if (done) return { outcome: 'absent' };
    }
  }

  #observation(token: CloudflareTokenWire): Observation {
    const expiresAt = dateOf(token.expires_on);
    const lastUsedAt = dateOf(token.last_used_on);
    let state = stateOf(token.status);
    if (state === 'active' && expiresAt !== undefined && expiresAt.getTime() <= this.#now()) state = 'expired';
    return {
      state,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(lastUsedAt === undefined ? {} : { lastUsedAt }),
      observed: observedOf(token),
    };
  }

  async #call(
    operation: string,
    method: HttpMethod,
    path: string,
    signal: AbortSignal | undefined,
    extra: Partial<Pick<HttpRequest, 'body' | 'accept' | 'query' | 'retry'>> = {},
  ) {
    try {
      return await this.#http.request({
        operation,
        method,
        path,
        headers: { Authorization: `Bearer ${this.#apiToken.reveal()}` },
        retry: 'idempotent',
        signal,
        ...extra,
      });
    } catch (error) {
      if (isCoreError(error)) throw error;
      throw new CoreError('ERR_PLATFORM_PROTOCOL', `cloudflare ${operation} failed unexpectedly`, { cause: error, platform: 'cloudflare' });
    }
  }
}

function collection(accountId: string): string {
  return `/accounts/${encodeURIComponent(accountId)}/tokens`;
}

function item(id: CloudflareTokenId): string {
  return `${collection(id.accountId)}/${encodeURIComponent(id.tokenId)}`;
}

function settingsToWire(block: Block): Record<string, unknown> {
  const out: Record<string, unknown> = { policies: policiesToWire(block.policies) };
  const ip = block.condition?.requestIp;
  if (ip !== undefined) {
    out['condition'] = { request_ip: { ...(ip.in === undefined ? {} : { in: ip.in }), ...(ip.notIn === undefined ? {} : { not_in: ip.notIn }) } };
  }
  if (block.notBefore !== undefined) out['not_before'] = isoSeconds(new Date(block.notBefore));
  return out;
}

// Cloudflare's statuses: active, disabled, expired, and "revoked (exposed)" for leaked tokens it revoked itself.
// A disabled token does not work, so it is reported as revoked.
function stateOf(status: string): TokenState {
  if (status === 'active') return 'active';
  if (status === 'expired') return 'expired';
  if (status === 'disabled' || status.startsWith('revoked')) return 'revoked';
  return 'unknown';
}

function observedOf(token: CloudflareTokenWire): ObservedSpec {
  const ip = token.condition?.request_ip;
  const requestIp = {
    ...(ip?.in === undefined || ip.in.length === 0 ? {} : { in: [...ip.in] }),
    ...(ip?.not_in === undefined || ip.not_in.length === 0 ? {} : { notIn: [...ip.not_in] }),
  };
  const notBefore = dateOf(token.not_before);
  return {
    displayName: stripMarker(token.name),
    block: {
      policies: policiesFromWire(token.policies),
      ...(Object.keys(requestIp).length === 0 ? {} : { condition: { requestIp } }),
      ...(notBefore === undefined ? {} : { notBefore: isoSeconds(notBefore) }),
    },
  };
}

function dateOf(text: string | null | undefined): Date | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
