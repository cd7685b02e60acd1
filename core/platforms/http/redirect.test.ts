import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCoreError, type CoreErrorCode } from '../../errors.js';
import { SecretValue } from '../../secret.js';
import { HttpClient, type HttpMethod, type HttpRequest, type RetryPolicy } from './http-client.js';
import { MaxRedirects, nextHop } from './redirect.js';

// Credentials travel in request headers (X-Auth-Token, Bearer, API keys), so
// a redirect to another scheme, host or port must never be followed: the
// HttpClient is exercised here with the real fetch against two small HTTP
// servers on 127.0.0.1, "platform" and "elsewhere", and elsewhere must never
// see a request.

const CREDENTIAL = new SecretValue('cred-redirect-test-admin-key-9c1d');

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly credential: string | undefined;
  readonly body: string;
}

interface Host {
  readonly server: Server;
  readonly seen: Seen[];
  readonly origin: string;
  readonly port: number;
}

async function host(route: (path: string, res: ServerResponse) => void): Promise<Host> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const header = req.headers['x-auth-token'];
      seen.push({ method: req.method ?? '', path: req.url ?? '', credential: typeof header === 'string' ? header : undefined, body: Buffer.concat(chunks).toString('utf8') });
      route(req.url ?? '', res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, seen, origin: `http://127.0.0.1:${port}`, port };
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-type': 'text/plain' });
  res.end('moved');
}

let platform: Host;
let elsewhere: Host;

beforeAll(async () => {
  elsewhere = await host((_path, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"token":"stolen"}');
  });
  platform = await host((path, res) => {
    const routes: Record<string, () => void> = {
      '/to-localhost': () => { redirect(res, 302, `http://localhost:${platform.port}/landed`); },
      '/to-other-port': () => { redirect(res, 307, `${elsewhere.origin}/landed`); },
      '/to-https': () => { redirect(res, 308, `https://127.0.0.1:${platform.port}/landed`); },
      '/moved': () => { redirect(res, 307, '/landed'); },
      '/see-other': () => { redirect(res, 303, '/landed'); },
      '/see-other-away': () => { redirect(res, 303, `${elsewhere.origin}/landed`); },
      '/loop': () => { redirect(res, 302, '/loop'); },
      '/no-location': () => { res.writeHead(302); res.end(); },
    };
    const handle = routes[path];
    if (handle !== undefined) {
      handle();
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ landed: path }));
  });
});

afterAll(async () => {
  await Promise.all([platform, elsewhere].map((h) => new Promise((resolve) => h.server.close(resolve))));
});

function client(baseUrl = platform.origin, fetch?: typeof globalThis.fetch): HttpClient {
  return new HttpClient({
    platform: 'bigcommerce',
    baseUrl,
    requestsPerSecond: 1000,
    readErrorMessage: () => undefined,
    secrets: [CREDENTIAL],
    timeoutMs: 2000,
    maxAttempts: 2,
    random: () => 0,
    ...(fetch === undefined ? {} : { fetch }),
  });
}

function call(path: string, retry: RetryPolicy, method: HttpMethod): HttpRequest {
  return { operation: 'create', method, path, retry, headers: { 'X-Auth-Token': CREDENTIAL.reveal() }, ...(method === 'GET' ? {} : { body: { name: 'redirect-test' } }) };
}

async function outcome(work: Promise<{ status: number }>): Promise<number | CoreErrorCode> {
  try {
    return (await work).status;
  } catch (error) {
    if (isCoreError(error)) return error.code;
    throw error;
  }
}

describe('HttpClient redirects against local servers', () => {
  const rows: { name: string; reason: string; path: string; retry: RetryPolicy; method: HttpMethod; want: number | CoreErrorCode; requests?: number; landed?: { method: string; body: boolean } }[] = [
    { name: 'HostChange', reason: 'localhost is another host name than 127.0.0.1, even on the same machine: not followed with credentials', path: '/to-localhost', retry: 'idempotent', method: 'GET', want: 'ERR_CONNECTION_INVALID', requests: 1 },
    { name: 'PortChange', reason: 'another port is another server: not followed, and elsewhere sees nothing', path: '/to-other-port', retry: 'idempotentCreate', method: 'POST', want: 'ERR_CONNECTION_INVALID' },
    { name: 'SchemeChange', reason: 'a change of scheme is a change of origin: not followed', path: '/to-https', retry: 'idempotent', method: 'GET', want: 'ERR_CONNECTION_INVALID' },
    { name: 'SeeOtherAwayAfterCreate', reason: 'a 303 says a create was handled; refusing to follow it leaves the create in doubt, never retried', path: '/see-other-away', retry: 'create', method: 'POST', want: 'ERR_CREATE_IN_DOUBT' },
    { name: 'SameOrigin307', reason: 'a same-origin 307 keeps method, body and credentials, as fetch would', path: '/moved', retry: 'create', method: 'POST', want: 201, landed: { method: 'POST', body: true } },
    { name: 'SameOrigin303', reason: 'a same-origin 303 after a POST becomes a GET without a body, as fetch would', path: '/see-other', retry: 'create', method: 'POST', want: 201, landed: { method: 'GET', body: false } },
    { name: 'Loop', reason: 'a redirect loop ends after MaxRedirects hops as a protocol error', path: '/loop', retry: 'idempotent', method: 'GET', want: 'ERR_PLATFORM_PROTOCOL', requests: MaxRedirects + 1 },
    { name: 'NoLocation', reason: 'a redirect without a Location header is a protocol error', path: '/no-location', retry: 'idempotent', method: 'GET', want: 'ERR_PLATFORM_PROTOCOL' },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      platform.seen.length = 0;
      elsewhere.seen.length = 0;
      expect(await outcome(client().request(call(row.path, row.retry, row.method))), row.reason).toBe(row.want);
      expect(elsewhere.seen, 'no request ever reaches another origin').toEqual([]);
      for (const s of platform.seen) expect(s.credential, 'every request the platform saw was one we meant to send').toBe(CREDENTIAL.reveal());
      if (row.requests !== undefined) expect(platform.seen.length, row.reason).toBe(row.requests);
      if (row.landed !== undefined) {
        const landed = platform.seen.at(-1);
        expect(landed?.path).toBe('/landed');
        expect(landed?.method, row.reason).toBe(row.landed.method);
        expect(landed?.body !== '', row.reason).toBe(row.landed.body);
      }
    });
  }

  it('fails with ERR_CONNECTION_INVALID before sending anything when the base URL is plain http to a non-loopback host', async () => {
    let sent = 0;
    const fetch = (): Promise<Response> => {
      sent++;
      return Promise.resolve(new Response('{}'));
    };
    const error = await client('http://api.bigcommerce.invalid', fetch).request(call('/tokens', 'create', 'POST')).catch((e: unknown) => e);
    expect(isCoreError(error, 'ERR_CONNECTION_INVALID')).toBe(true);
    expect((error as Error).message).toContain('must use https');
    expect(sent, 'no request, so the credentials never left').toBe(0);
  });
});

describe('nextHop', () => {
  const from = new URL('https://api.example.com/stores/abc/v3/tokens');
  const rows: { name: string; reason: string; status: number; method: HttpMethod; location: string | null; hops?: number; want: { url: string; method: HttpMethod; keepBody: boolean } | CoreErrorCode }[] = [
    { name: 'Relative307', reason: 'a relative Location resolves against the current URL and keeps the method and body', status: 307, method: 'POST', location: 'v4/tokens', want: { url: 'https://api.example.com/stores/abc/v3/v4/tokens', method: 'POST', keepBody: true } },
    { name: 'Absolute308SameOrigin', reason: 'an absolute Location on the same origin is followed', status: 308, method: 'DELETE', location: 'https://api.example.com/x', want: { url: 'https://api.example.com/x', method: 'DELETE', keepBody: true } },
    { name: 'PostFound', reason: 'fetch turns a POST answered 302 into a GET', status: 302, method: 'POST', location: '/x', want: { url: 'https://api.example.com/x', method: 'GET', keepBody: false } },
    { name: 'PutFound', reason: 'fetch keeps other methods on 301/302', status: 301, method: 'PUT', location: '/x', want: { url: 'https://api.example.com/x', method: 'PUT', keepBody: true } },
    { name: 'SeeOther', reason: '303 always continues as a GET', status: 303, method: 'DELETE', location: '/x', want: { url: 'https://api.example.com/x', method: 'GET', keepBody: false } },
    { name: 'Downgrade', reason: 'https to http would put the credentials on the wire in clear text', status: 301, method: 'GET', location: 'http://api.example.com/x', want: 'ERR_CONNECTION_INVALID' },
    { name: 'OtherHost', reason: 'another host would receive the credentials', status: 307, method: 'GET', location: 'https://evil.example.net/x', want: 'ERR_CONNECTION_INVALID' },
    { name: 'OtherPort', reason: 'another port is another origin', status: 307, method: 'GET', location: 'https://api.example.com:8443/x', want: 'ERR_CONNECTION_INVALID' },
    { name: 'SchemeRelative', reason: 'a scheme-relative Location naming another host is another origin', status: 302, method: 'GET', location: '//evil.example.net/x', want: 'ERR_CONNECTION_INVALID' },
    { name: 'NoLocation', reason: 'a redirect must say where to', status: 302, method: 'GET', location: null, want: 'ERR_PLATFORM_PROTOCOL' },
    { name: 'TooMany', reason: 'redirects are bounded', status: 302, method: 'GET', location: '/x', hops: MaxRedirects, want: 'ERR_PLATFORM_PROTOCOL' },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      let got: { url: string; method: HttpMethod; keepBody: boolean } | CoreErrorCode;
      try {
        const hop = nextHop({ platform: 'cloudflare', label: 'cloudflare op', from, method: row.method, status: row.status, location: row.location, hops: row.hops ?? 0 });
        got = { url: hop.url.toString(), method: hop.method, keepBody: hop.keepBody };
      } catch (error) {
        if (!isCoreError(error)) throw error;
        got = error.code;
      }
      expect(got, row.reason).toEqual(row.want);
    });
  }
});
