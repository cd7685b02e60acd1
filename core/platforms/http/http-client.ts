import { CoreError, isCoreError } from '../../errors.js';
import type { SecretValue } from '../../secret.js';
import { baseUrlProblem } from '../../schema/base-url.js';
import type { PlatformName } from '../../schema/platform.js';
import type { PlatformCall } from '../../contract/adapter.js';
import type { RateLimitHeaders } from '../../contract/capabilities.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { isRedirect, nextHop } from './redirect.js';
import { redact } from './redact.js';
import { abortedError, realSleep, type Sleep } from './sleep.js';
import { RateLimiter, type RateTicket } from './rate-limiter.js';
import { readRateLimit } from './rate-reading.js';
import { codeForStatus, createRejectedUnprocessed } from './status-code.js';

/**
 * RetryPolicy says what may be repeated after a failure:
 * - `idempotent`: GET, PUT, DELETE and revokes; every transient failure is retried;
 * - `create`: a POST without idempotency; retried only when the failure proves
 *   nothing landed (429, 503, connection refused), otherwise ERR_CREATE_IN_DOUBT;
 * - `idempotentCreate`: a POST carrying an idempotency key; retried like
 *   `idempotent`, and in doubt only if the budget runs out after an attempt
 *   that may have landed.
 */
export type RetryPolicy = 'idempotent' | 'create' | 'idempotentCreate';

/** HttpMethod is the set of methods the token APIs use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An HttpRequest is one logical call; the client may make several attempts. */
export interface HttpRequest {
  /** operation is the stable name reported to onCall and used in messages, e.g. `create`. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** path is appended to the client's base URL. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** body is sent as JSON when present. */
  readonly body?: unknown;
  readonly retry: RetryPolicy;
  /** accept lists non-2xx statuses the adapter handles itself instead of an error (e.g. 404 on revoke). */
  readonly accept?: readonly number[];
  /** secrets are request-specific values (the token itself) to strip from any platform message. */
  readonly secrets?: readonly SecretValue[];
  readonly signal?: AbortSignal | undefined;
}

/** An HttpResponse is a final answer: 2xx or an accepted status, with the parsed JSON body. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** body is the parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
}

/** An ErrorMessageReader extracts the platform's own error text from an error body. */
export type ErrorMessageReader = (body: unknown) => string | undefined;

/** HttpClientOptions configure one connection's client. */
export interface HttpClientOptions {
  readonly platform: PlatformName;
  readonly baseUrl: string;
  /** requestsPerSecond is the pace while answers carry no budget. */
  readonly requestsPerSecond: number;
  /** paceAlways keeps that pace even when answers carry a budget (the user set the rate). @default false */
  readonly paceAlways?: boolean | undefined;
  /** rateLimitHeaders are the platform's rate-limit headers, as its adapter declares them. */
  readonly rateLimitHeaders?: RateLimitHeaders | undefined;
  readonly readErrorMessage: ErrorMessageReader;
  /** secrets are the connection's credentials, stripped from every platform message. */
  readonly secrets?: readonly SecretValue[];
  readonly fetch?: typeof globalThis.fetch | undefined;
  readonly now?: (() => number) | undefined;
  /** sleep waits between attempts; tests inject one that advances a fake clock. */
  readonly sleep?: Sleep | undefined;
  /** random drives backoff jitter. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** timeoutMs bounds each attempt. @default 10000 */
  readonly timeoutMs?: number | undefined;
  /** maxAttempts bounds attempts per request. @default 5 */
  readonly maxAttempts?: number | undefined;
  /** backoff bounds the jittered delay when the platform names no wait. @default {baseMs: 200, capMs: 10000} */
  readonly backoff?: BackoffPolicy | undefined;
  /** maxWaitMs is the longest platform-requested wait we sit out before giving up. @default 60000 */
  readonly maxWaitMs?: number | undefined;
  readonly onCall?: ((call: PlatformCall) => void) | undefined;
}

type Attempt =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly text: string }
  | { readonly kind: 'refused'; readonly error: CoreError }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'timeout'; readonly error: unknown }
  | { readonly kind: 'network'; readonly error: unknown; readonly sent: boolean };

// Connection errors raised before a single byte left: nothing can have landed.
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * An HttpClient is the one HTTP path every adapter uses: per-attempt
 * timeouts tied to the caller's signal, a per-connection RateLimiter (the
 * platform's own budget from its rate-limit headers, else a paced token
 * bucket), retries with full-jitter backoff that honour Retry-After, the create-in-doubt rule, sanitised CoreErrors, and an
 * onCall report per attempt. Platform specifics come in as functions.
 * Credentials never leave in clear text or for another host: a base URL
 * that is plain http to anything but loopback is refused before any request,
 * and redirects are followed only within the base URL's origin (nextHop).
 */
export class HttpClient {
  readonly #o: HttpClientOptions;
  readonly #fetch: typeof globalThis.fetch;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #limiter: RateLimiter;
  readonly #baseUrl: string;
  /** #refusal is why the base URL may not carry credentials, if it may not. */
  readonly #refusal: string | undefined;

  constructor(options: HttpClientOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    // The front ends validate base URLs first; this is the last line, where the credentials would leave.
    this.#refusal = baseUrlProblem(this.#baseUrl);
    this.#limiter = new RateLimiter({ requestsPerSecond: options.requestsPerSecond, paceAlways: options.paceAlways ?? false, now: this.#now, sleep: this.#sleep });
  }

  /** platform names the platform this client talks to. */
  get platform(): PlatformName {
    return this.#o.platform;
  }

  /** request performs one logical call, retrying as its policy allows; non-accepted failures throw CoreError. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const maxAttempts = Math.max(1, this.#o.maxAttempts ?? 5);
    if (this.#refusal !== undefined) {
      throw new CoreError('ERR_CONNECTION_INVALID', `${this.#label(req)}: the base URL ${this.#refusal}`, { platform: this.#o.platform, path: ['baseUrl'] });
    }
    const creating = req.retry !== 'idempotent';
    let mayHaveLanded = false;
    let lastError: CoreError | undefined;
    let waitMs = 0;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let ticket: RateTicket;
      try {
        if (waitMs > 0) await this.#sleep(waitMs, req.signal);
        ticket = await this.#limiter.acquire(req.signal);
        // Checked here, not left to fetch: an abort before sending must never look like an in-doubt create.
        if (req.signal?.aborted === true) throw abortedError(req.signal, this.#o.platform);
      } catch (error) {
        // Stopping between retries after an attempt that may have landed leaves the create in doubt, not undone.
        if (mayHaveLanded && isCoreError(error, 'ERR_ABORTED')) throw this.#inDoubt(req, 'the caller aborted between retries of a create that may have landed', error);
        throw error;
      }
      const result = await this.#attempt(req);
      const retryWait = (hint: number | undefined): number => Math.max(hint ?? 0, backoffDelay(attempt, this.#backoff(), this.#random));

      if (result.kind === 'refused') {
        // 303 See Other says the request was handled and its result lives elsewhere: a create may have landed.
        // Any other refused redirect was answered instead of handling the request: nothing landed, nothing to retry.
        if (creating && result.error.status === 303) throw this.#inDoubt(req, result.error.message, result.error);
        throw result.error;
      }
      if (result.kind === 'aborted') {
        if (creating) throw this.#inDoubt(req, 'the caller aborted while the create was in flight', undefined);
        throw abortedError(req.signal, this.#o.platform);
      }
      if (result.kind === 'timeout' || result.kind === 'network') {
        const landed = result.kind === 'timeout' || result.sent;
        const what = result.kind === 'timeout' ? `no answer within ${this.#timeoutMs()} ms` : 'the connection failed';
        if (landed && req.retry === 'create') throw this.#inDoubt(req, what, result.error);
        mayHaveLanded ||= landed && creating;
        lastError = new CoreError(result.kind === 'timeout' ? 'ERR_PLATFORM_TIMEOUT' : 'ERR_PLATFORM_UNAVAILABLE', `${this.#label(req)}: ${what}`, {
          cause: result.error,
          platform: this.#o.platform,
        });
        waitMs = retryWait(undefined);
        continue;
      }

      const hint = this.#limiter.observe(ticket, result.status, readRateLimit(result.headers, this.#o.rateLimitHeaders, this.#now()));
      if ((result.status >= 200 && result.status < 300) || req.accept?.includes(result.status) === true) {
        return { status: result.status, headers: result.headers, body: this.#parse(req, result.text, creating) };
      }
      const error = this.#statusError(req, result, hint);
      if (result.status === 429 || result.status >= 500) {
        if (req.retry === 'create' && !createRejectedUnprocessed.has(result.status)) {
          throw this.#inDoubt(req, `HTTP ${result.status} may have followed a commit`, error);
        }
        if (result.status === 429 && hint !== undefined && hint > this.#maxWaitMs()) throw error;
        lastError = error;
        waitMs = retryWait(hint);
        continue;
      }
      throw error;
    }
    if (mayHaveLanded) throw this.#inDoubt(req, 'retries were exhausted after an attempt that may have landed', lastError);
    throw lastError ?? new CoreError('ERR_PLATFORM_UNAVAILABLE', `${this.#label(req)}: no attempt was made`, { platform: this.#o.platform });
  }

  async #attempt(req: HttpRequest): Promise<Attempt> {
    const timeout = AbortSignal.timeout(this.#timeoutMs());
    const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let url = new URL(this.#url(req));
    let method = req.method;
    let keepBody = true;
    // One attempt may take a few same-origin redirect hops, all within the attempt's timeout.
    for (let hops = 0; ; hops++) {
      const hopHeaders = keepBody ? headers : withoutContentType(headers);
      // manual: fetch would follow a redirect to any host with our credential headers (it strips only Authorization).
      const init: RequestInit = { method, headers: hopHeaders, signal, redirect: 'manual', ...(keepBody && body !== undefined ? { body } : {}) };
      const result = await this.#send(req, url, init, timeout);
      if (result.kind !== 'response' || !isRedirect(result.status)) return result;
      try {
        const hop = nextHop({ platform: this.#o.platform, label: this.#label(req), from: url, method, status: result.status, location: result.headers.get('location'), hops });
        url = hop.url;
        method = hop.method;
        keepBody &&= hop.keepBody;
      } catch (error) {
        if (isCoreError(error)) return { kind: 'refused', error };
        throw error;
      }
    }
  }

  // One HTTP exchange, reported to onCall; transport failures become Attempt kinds.
  async #send(req: HttpRequest, url: URL, init: RequestInit, timeout: AbortSignal): Promise<Attempt> {
    const started = this.#now();
    let outcome: number | 'error' = 'error';
    try {
      const response = await this.#fetch(url.toString(), init);
      outcome = response.status;
      const text = await response.text();
      return { kind: 'response', status: response.status, headers: response.headers, text };
    } catch (error) {
      if (req.signal?.aborted === true) return { kind: 'aborted' };
      if (timeout.aborted) return { kind: 'timeout', error };
      return { kind: 'network', error, sent: !NOT_SENT_CODES.has(errorCode(error)) };
    } finally {
      this.#o.onCall?.({ platform: this.#o.platform, operation: req.operation, outcome, durationMs: Math.max(0, this.#now() - started) });
    }
  }

  #parse(req: HttpRequest, text: string, creating: boolean): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      // A 2xx create whose body we cannot read did land; only resolveInDoubt can recover it.
      if (creating) throw this.#inDoubt(req, 'the create succeeded but its answer was not JSON', error);
      throw new CoreError('ERR_PLATFORM_PROTOCOL', `${this.#label(req)}: the answer was not JSON`, { cause: error, platform: this.#o.platform });
    }
  }

  #statusError(req: HttpRequest, result: { readonly status: number; readonly text: string }, hint: number | undefined): CoreError {
    let body: unknown = result.text;
    try {
      body = JSON.parse(result.text) as unknown;
    } catch {
      // Not JSON: the reader gets the raw text.
    }
    const raw = this.#o.readErrorMessage(body);
    const detail = raw === undefined || raw.trim() === '' ? '' : `: ${redact(raw, [...(this.#o.secrets ?? []), ...(req.secrets ?? [])])}`;
    const options = { platform: this.#o.platform, status: result.status, ...(hint === undefined ? {} : { retryAfterMs: hint }) };
    return new CoreError(codeForStatus(result.status), `${this.#label(req)} failed with HTTP ${result.status}${detail}`, options);
  }

  #inDoubt(req: HttpRequest, why: string, cause: unknown): CoreError {
    const message = `${this.#label(req)} is in doubt: ${why}; the token may exist, resolve it before creating again`;
    return new CoreError('ERR_CREATE_IN_DOUBT', message, { cause, platform: this.#o.platform, ...(isCoreError(cause) && cause.status !== undefined ? { status: cause.status } : {}) });
  }

  #label(req: HttpRequest): string {
    return `${this.#o.platform} ${req.operation}`;
  }

  #url(req: HttpRequest): string {
    const query = req.query === undefined ? '' : `?${new URLSearchParams(req.query).toString()}`;
    return `${this.#baseUrl}${req.path}${query}`;
  }

  #timeoutMs(): number {
    return this.#o.timeoutMs ?? 10_000;
  }

  #maxWaitMs(): number {
    return this.#o.maxWaitMs ?? 60_000;
  }

  #backoff(): BackoffPolicy {
    return this.#o.backoff ?? { baseMs: 200, capMs: 10_000 };
  }
}

function withoutContentType(headers: Record<string, string>): Record<string, string> {
  const { 'Content-Type': _dropped, ...rest } = headers;
  return rest;
}

function errorCode(error: unknown): string {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}
