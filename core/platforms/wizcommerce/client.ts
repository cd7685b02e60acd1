import { z } from 'zod';
import { CoreError } from '../../errors.js';
import { SecretValue } from '../../secret.js';
import type { ConnectOptions, Connection, InDoubtResolution, IssueRequest, IssuedToken, Observation, PlatformClient, TokenRef } from '../../contract/adapter.js';
import { connectHttp, requireCredential, type HttpTestHooks } from '../http/connect.js';
import type { HttpClient } from '../http/http-client.js';
import { parseAnswer } from '../http/protocol.js';
import { specBlock } from '../http/spec-block.js';
import { wizcommerceCapabilities } from './capabilities.js';
import { readWizCommerceError } from './wire.js';

const createdSchema = z.looseObject({
  token_id: z.string().min(1),
  expires_at: z.string().optional(),
  user: z.looseObject({ email: z.string() }),
  access_token: z.string().min(1),
});

/**
 * A WizCommerceClient creates API tokens by logging in with the account's
 * email and password. A token can only revoke itself, and nothing lists or
 * reads tokens, so observe uses the token on a cheap authenticated call.
 */
export class WizCommerceClient implements PlatformClient {
  readonly #http: HttpClient;
  readonly #email: SecretValue;
  readonly #password: SecretValue;
  readonly #now: () => number;

  constructor(connection: Connection, options: ConnectOptions & HttpTestHooks = {}) {
    this.#email = requireCredential(connection, 'email', 'wizcommerce');
    this.#password = requireCredential(connection, 'password', 'wizcommerce');
    this.#now = options.now ?? Date.now;
    this.#http = connectHttp(
      { platform: 'wizcommerce', capabilities: wizcommerceCapabilities, readErrorMessage: readWizCommerceError },
      connection,
      options,
    );
  }

  /**
   * issue logs in (POST /auth/token). If the token belongs to another account
   * than spec.wizcommerce.accountEmail, it is revoked at once and the issue
   * fails with ERR_PLATFORM_VALIDATION at that field.
   */
  async issue(request: IssueRequest, signal?: AbortSignal): Promise<IssuedToken> {
    const block = specBlock(request.spec, 'wizcommerce');
    const response = await this.#http.request({
      operation: 'create',
      method: 'POST',
      path: '/auth/token',
      body: { email: this.#email.reveal(), password: this.#password.reveal() },
      retry: 'create',
      signal,
    });
    let created: z.output<typeof createdSchema>;
    try {
      created = parseAnswer(createdSchema, response.body, 'wizcommerce', 'create');
    } catch (error) {
      throw new CoreError('ERR_CREATE_IN_DOUBT', 'wizcommerce create answered 200 without a readable token; an unusable token may exist until it expires', {
        cause: error,
        platform: 'wizcommerce',
      });
    }
    const value = new SecretValue(created.access_token);
    const ref = { id: created.token_id, value };
    if (created.user.email.toLowerCase() !== block.accountEmail.toLowerCase()) {
      await this.revoke(ref, signal);
      throw new CoreError('ERR_PLATFORM_VALIDATION', `The WizCommerce credentials log in to another account than ${block.accountEmail}; the token was revoked`, {
        platform: 'wizcommerce',
        path: ['wizcommerce', 'accountEmail'],
      });
    }
    const expiresAt = parseDate(created.expires_at) ?? new Date(this.#now() + (wizcommerceCapabilities.fixedLifetimeSeconds ?? 0) * 1000);
    return { ref, value, issuedAt: new Date(this.#now()), expiresAt, observed: { block: { accountEmail: created.user.email } } };
  }

  /**
   * observe calls GET /v1/products with the token: 200 is `active`; 401 is
   * `revoked` (WizCommerce does not say whether it was revoked or expired; the
   * caller knows the expiry). It counts as a use of the token.
   */
  async observe(ref: TokenRef, signal?: AbortSignal): Promise<Observation> {
    if (ref.value === undefined) return { state: 'unknown' };
    const response = await this.#http.request({
      operation: 'probe',
      method: 'GET',
      path: '/v1/products',
      headers: { 'X-API-Key': ref.value.reveal() },
      retry: 'idempotent',
      accept: [401],
      secrets: [ref.value],
      signal,
    });
    return { state: response.status === 401 ? 'revoked' : 'active' };
  }

  /**
   * revoke DELETEs /auth/token as the token itself. A 401 is success: the
   * token no longer authenticates (already revoked, expired or unknown), which
   * is what revoke promises, and no other credential could revoke it anyway.
   */
  async revoke(ref: TokenRef, signal?: AbortSignal): Promise<void> {
    if (ref.value === undefined) {
      throw new CoreError('ERR_UNSUPPORTED', 'A WizCommerce token can revoke only itself, and its value was not kept', { platform: 'wizcommerce' });
    }
    await this.#http.request({
      operation: 'revoke',
      method: 'DELETE',
      path: '/auth/token',
      headers: { 'X-API-Key': ref.value.reveal() },
      retry: 'idempotent',
      accept: [401],
      secrets: [ref.value],
      signal,
    });
  }

  /** resolveInDoubt is always `unknowable`: nothing lists tokens; an orphan lives out its one-year lifetime. */
  resolveInDoubt(): Promise<InDoubtResolution> {
    return Promise.resolve({ outcome: 'unknowable' });
  }
}

function parseDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
