import { describe, expect, it } from 'vitest';
import { isCoreError, type CoreError, type CoreErrorCode } from '../../errors.js';
import { SecretValue } from '../../secret.js';
import type { PlatformCall } from '../../contract/adapter.js';
import { HttpClient, type HttpClientOptions, type HttpRequest, type RetryPolicy } from './http-client.js';
import { realSleep } from './sleep.js';

// A Step is one scripted answer of the fake fetch: a status (with headers and body) or a thrown error code.
type Step = { status: number; headers?: Record<string, string>; body?: string } | { error: string };

interface Harness {
  readonly client: HttpClient;
  readonly sent: { url: string; init: RequestInit }[];
  readonly waits: number[];
  readonly calls: PlatformCall[];
}

const CREDENTIAL = new SecretValue('cred-AAAA-very-secret-admin-key');

function harness(script: Step[], options: Partial<HttpClientOptions> = {}): Harness {
  let clock = 1_000_000;
  const sent: Harness['sent'] = [];
  const waits: number[] = [];
  const calls: PlatformCall[] = [];
  const fetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    sent.push({ url: url as string, init: init ?? {} });
    const step = script.shift() ?? { status: 200, body: '{}' };
    if ('error' in step) return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error(step.error), { code: step.error }) }));
    return Promise.resolve(new Response(step.body ?? null, { status: step.status, headers: step.headers ?? {} }));
  };
  const client = new HttpClient({
    platform: 'cloudflare',
    baseUrl: 'http://127.0.0.1:9/api/',
    requestsPerSecond: 1000,
    rateLimitHeaders: { remaining: 'x-left', reset: [{ header: 'x-wait', unit: 'seconds' }], retryAfter: [{ header: 'x-wait', unit: 'seconds' }] },
    readErrorMessage: (body) => (typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : undefined),
    secrets: [CREDENTIAL],
    fetch: fetch,
    now: () => clock,
    sleep: (ms) => {
      waits.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    onCall: (c) => calls.push(c),
    ...options,
  });
  return { client, sent, waits, calls };
}

const METHOD: Record<RetryPolicy, HttpRequest['method']> = { idempotent: 'GET', create: 'POST', idempotentCreate: 'POST' };

function req(retry: RetryPolicy, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { operation: 'op', method: METHOD[retry], path: '/tokens', retry, ...extra };
}

async function outcome(work: Promise<unknown>): Promise<number | CoreErrorCode> {
  try {
    const r = (await work) as { status: number };
    return r.status;
  } catch (error) {
    if (isCoreError(error)) return error.code;
    throw error;
  }
}

describe('HttpClient retries', () => {
  const rows: { name: string; reason: string; retry: RetryPolicy; script: Step[]; accept?: number[]; want: number | CoreErrorCode; attempts: number }[] = [
    { name: 'GetRetries5xx', reason: 'a GET is idempotent, so 500s are retried until it succeeds', retry: 'idempotent', script: [{ status: 500 }, { status: 502 }, { status: 200 }], want: 200, attempts: 3 },
    { name: 'GetRetriesNetwork', reason: 'a reset connection on a GET is retried', retry: 'idempotent', script: [{ error: 'ECONNRESET' }, { status: 200 }], want: 200, attempts: 2 },
    { name: 'GetGivesUp', reason: 'after maxAttempts the last failure surfaces as UNAVAILABLE', retry: 'idempotent', script: Array.from({ length: 5 }, () => ({ status: 500 })), want: 'ERR_PLATFORM_UNAVAILABLE', attempts: 5 },
    { name: 'NotFoundIsFinal', reason: 'a 4xx is not transient and is not retried', retry: 'idempotent', script: [{ status: 404 }], want: 'ERR_PLATFORM_NOT_FOUND', attempts: 1 },
    { name: 'AcceptedStatus', reason: 'an accepted non-2xx is returned to the adapter, not thrown', retry: 'idempotent', script: [{ status: 404 }], accept: [404], want: 404, attempts: 1 },
    { name: 'ValidationMapped', reason: '422 maps to ERR_PLATFORM_VALIDATION', retry: 'idempotent', script: [{ status: 422 }], want: 'ERR_PLATFORM_VALIDATION', attempts: 1 },
    { name: 'CreateNot500Retried', reason: 'a 500 may follow a commit, so a plain create is in doubt, not retried', retry: 'create', script: [{ status: 500 }, { status: 200 }], want: 'ERR_CREATE_IN_DOUBT', attempts: 1 },
    { name: 'CreateNotResetRetried', reason: 'a connection lost after sending leaves a plain create in doubt', retry: 'create', script: [{ error: 'ECONNRESET' }, { status: 200 }], want: 'ERR_CREATE_IN_DOUBT', attempts: 1 },
    { name: 'CreateRefusedRetried', reason: 'a refused connection sent nothing, so the create is retried', retry: 'create', script: [{ error: 'ECONNREFUSED' }, { status: 200 }], want: 200, attempts: 2 },
    { name: 'Create429Retried', reason: 'a 429 was refused before handling, so the create is retried', retry: 'create', script: [{ status: 429 }, { status: 200 }], want: 200, attempts: 2 },
    { name: 'Create503Retried', reason: 'a 503 refused the request, so the create is retried', retry: 'create', script: [{ status: 503 }, { status: 200 }], want: 200, attempts: 2 },
    { name: 'CreateNotJson', reason: 'a 2xx create without a readable body landed: in doubt', retry: 'create', script: [{ status: 200, body: '<html>' }], want: 'ERR_CREATE_IN_DOUBT', attempts: 1 },
    { name: 'IdempotentCreateRetries500', reason: 'an idempotency key makes a create safe to repeat after a 500', retry: 'idempotentCreate', script: [{ status: 500 }, { status: 201 }], want: 201, attempts: 2 },
    { name: 'IdempotentCreateRetriesReset', reason: 'an idempotency key makes a create safe to repeat after a lost answer', retry: 'idempotentCreate', script: [{ error: 'ECONNRESET' }, { status: 201 }], want: 201, attempts: 2 },
    { name: 'IdempotentCreateExhausted', reason: 'if every attempt may have landed, the create is still in doubt', retry: 'idempotentCreate', script: Array.from({ length: 5 }, () => ({ error: 'ECONNRESET' })), want: 'ERR_CREATE_IN_DOUBT', attempts: 5 },
    { name: 'IdempotentCreateRefusedExhausted', reason: 'if nothing was ever sent, the create is simply unavailable', retry: 'idempotentCreate', script: Array.from({ length: 5 }, () => ({ error: 'ECONNREFUSED' })), want: 'ERR_PLATFORM_UNAVAILABLE', attempts: 5 },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      const h = harness(row.script);
      expect(await outcome(h.client.request(req(row.retry, row.accept === undefined ? {} : { accept: row.accept }))), row.reason).toBe(row.want);
      expect(h.sent.length, row.reason).toBe(row.attempts);
      expect(h.calls.length, 'onCall saw every attempt').toBe(row.attempts);
    });
  }
});

describe('HttpClient backoff', () => {
  const rows: { name: string; reason: string; script: Step[]; random: number; waits: number[] }[] = [
    { name: 'FullJitter', reason: 'without a platform hint the wait is a draw below base·2^attempt', script: [{ status: 500 }, { status: 500 }, { status: 200 }], random: 0.999, waits: [199, 399] },
    { name: 'JitterCanBeZero', reason: 'full jitter may retry at once', script: [{ status: 500 }, { status: 200 }], random: 0, waits: [] },
    {
      name: 'HonoursHeader',
      reason: 'a 429 naming its wait is retried no sooner than that',
      script: [{ status: 429, headers: { 'x-wait': '1.5' } }, { status: 200 }],
      random: 0,
      waits: [1500],
    },
    {
      name: 'HeaderBeatsSmallJitter',
      reason: 'the platform wait is a floor under the jitter',
      script: [{ status: 429, headers: { 'x-wait': '2' } }, { status: 200 }],
      random: 0.999,
      waits: [2000],
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      const h = harness(row.script, { random: () => row.random });
      await h.client.request(req('idempotent'));
      expect(h.waits, row.reason).toEqual(row.waits);
    });
  }

  it('pauses the whole connection when a success says the quota is spent', async () => {
    const h = harness([{ status: 200, headers: { 'x-left': '0', 'x-wait': '3' } }, { status: 200 }]);
    await h.client.request(req('idempotent'));
    await h.client.request(req('idempotent'));
    expect(h.waits, 'the next request waits for the reset, plus the 20 ms margin').toEqual([3020]);
  });

  it('gives up at once with RATE_LIMITED when the platform asks for longer than maxWaitMs', async () => {
    const h = harness([{ status: 429, headers: { 'x-wait': '300' } }], { maxWaitMs: 60_000 });
    const error = (await h.client.request(req('idempotent')).catch((e: unknown) => e)) as CoreError;
    expect(error.code).toBe('ERR_PLATFORM_RATE_LIMITED');
    expect(error.retryAfterMs).toBe(300_000);
    expect(h.sent.length).toBe(1);
  });
});

describe('HttpClient timeouts and aborts', () => {
  const hanging = (_url: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => {
        reject(init.signal?.reason instanceof Error ? init.signal.reason : new Error('aborted'));
      });
    });
  const rows: { name: string; reason: string; retry: RetryPolicy; abortAfterMs?: number; preAborted?: boolean; want: CoreErrorCode }[] = [
    { name: 'IdempotentCreateAbortedBetweenRetries', reason: 'a keyed create whose first attempt timed out may have landed, so an abort during the backoff leaves it in doubt', retry: 'idempotentCreate', abortAfterMs: 45, want: 'ERR_CREATE_IN_DOUBT' },
    { name: 'GetTimesOut', reason: 'an idempotent call that never answers ends in ERR_PLATFORM_TIMEOUT', retry: 'idempotent', want: 'ERR_PLATFORM_TIMEOUT' },
    { name: 'CreateTimesOutInDoubt', reason: 'a create that never answers may have landed', retry: 'create', want: 'ERR_CREATE_IN_DOUBT' },
    { name: 'GetAborted', reason: "the caller's abort wins over retries", retry: 'idempotent', abortAfterMs: 5, want: 'ERR_ABORTED' },
    { name: 'CreateAbortedInFlight', reason: 'a create aborted after sending may have landed', retry: 'create', abortAfterMs: 5, want: 'ERR_CREATE_IN_DOUBT' },
    { name: 'CreatePreAborted', reason: 'a create aborted before sending is simply aborted', retry: 'create', preAborted: true, want: 'ERR_ABORTED' },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      let attempts = 0;
      const fetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
        attempts++;
        return hanging(url, init);
      };
      const client = new HttpClient({
        platform: 'avvyr',
        baseUrl: 'http://127.0.0.1:9',
        requestsPerSecond: 1000,
        readErrorMessage: () => undefined,
        fetch: fetch,
        timeoutMs: 30,
        maxAttempts: 2,
        // For the keyed create the backoff between attempts is not zero and lasts until the caller aborts, so the abort lands in it.
        random: () => (row.retry === 'idempotentCreate' ? 0.5 : 0),
        sleep: (ms, signal) => realSleep(row.retry === 'idempotentCreate' ? 60_000 : ms, signal),
      });
      const controller = new AbortController();
      if (row.preAborted === true) controller.abort();
      if (row.abortAfterMs !== undefined) setTimeout(() => { controller.abort(); }, row.abortAfterMs);
      expect(await outcome(client.request(req(row.retry, { signal: controller.signal }))), row.reason).toBe(row.want);
      if (row.preAborted === true) expect(attempts, 'nothing was sent').toBe(0);
    });
  }
});

describe('HttpClient error messages', () => {
  it('keeps the platform message but strips credentials, the token and token-shaped text', async () => {
    const token = new SecretValue('avsf_thisIsTheTokenValue1234567890');
    const echoed = `bad key ${CREDENTIAL.reveal()} for ${token.reveal()} and eyJhbGciOiJFUzI1NiJ9.eyJjaWQiOjF9.c2ln and cfat_abcdefghijklmnop`;
    const h = harness([{ status: 400, body: JSON.stringify({ message: echoed }) }]);
    const error = (await h.client.request(req('idempotent', { secrets: [token] })).catch((e: unknown) => e)) as CoreError;
    expect(error.code).toBe('ERR_PLATFORM_VALIDATION');
    expect(error.message).toContain('bad key');
    for (const leaked of [CREDENTIAL.reveal(), token.reveal(), 'eyJhbGciOiJFUzI1NiJ9', 'cfat_abcdefghijklmnop']) expect(error.message).not.toContain(leaked);
    expect(error.message).toContain(`[secret ${CREDENTIAL.fingerprint}]`);
  });

  it('sends JSON with the right headers to the joined URL', async () => {
    const h = harness([{ status: 200, body: '{"ok":true}' }]);
    const r = await h.client.request(req('create', { body: { a: 1 }, query: { page: '2' }, headers: { 'X-Auth-Token': 't' } }));
    expect(r.body).toEqual({ ok: true });
    const first = h.sent[0];
    expect(first?.url).toBe('http://127.0.0.1:9/api/tokens?page=2');
    expect(first?.init.body).toBe('{"a":1}');
    expect(first?.init.headers).toMatchObject({ Accept: 'application/json', 'Content-Type': 'application/json', 'X-Auth-Token': 't' });
  });
});
