import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Conformance } from './conformance.js';
import type { FaultState } from './faults.js';
import type { Operation, PlatformModule, Reply, RequestContext } from './platform.js';
import { splitPath } from './router.js';
import type { Stats } from './stats.js';

/** PipelineDeps are the shared pieces every platform request passes through. */
export interface PipelineDeps {
  readonly platforms: readonly PlatformModule[];
  readonly faults: FaultState;
  readonly stats: Stats;
  /** conformance is present only when the sandbox validates traffic against the OpenAPI documents. */
  readonly conformance: () => Conformance | undefined;
  readonly now: () => number;
  readonly random: () => number;
  /** control answers `/_sandbox/*`. */
  readonly control: (req: IncomingMessage, segments: readonly string[], query: URLSearchParams, body: unknown) => Reply;
}

const MAX_BODY = 1 << 20;
const EMPTY_QUERY = new URLSearchParams();

interface Mounted {
  readonly prefix: readonly string[];
  readonly platform: PlatformModule;
}

/**
 * createPipeline returns the node:http request listener. Order per request:
 * route, body, conformance check of the request, rate limit, faults (latency,
 * 429 burst, 5xx), handler, rate-limit headers, drop-after-commit, conformance
 * check of the response, write. Only `manage` operations get limits and faults.
 */
export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const mounted: Mounted[] = deps.platforms.map((p) => ({ prefix: splitPath(p.prefix), platform: p }));
  return (req, res) => {
    handle(deps, mounted, req, res).catch((err: unknown) => {
      // A handler bug must not take the server down; answer 500 without echoing anything request-derived.
      process.stderr.write(`sandbox: internal error: ${err instanceof Error ? err.message : 'unknown'}\n`);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal sandbox error' } });
      else res.destroy();
    });
  };
}

async function handle(deps: PipelineDeps, mounted: readonly Mounted[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? EMPTY_QUERY : new URLSearchParams(url.slice(q + 1));
  const segments = splitPath(path);
  const method = req.method ?? 'GET';

  if (segments[0] === '_sandbox') {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      send(res, { status: 400, body: { error: { code: 'bad_request', message: 'body is not valid JSON' } } });
      return;
    }
    send(res, deps.control(req, segments.slice(1), query, body));
    return;
  }

  const m = mounted.find((x) => x.prefix.every((s, i) => segments[i] === s));
  if (m === undefined) {
    send(res, { status: 404, body: { error: 'unknown platform prefix; use /bigcommerce, /cloudflare/client/v4, /wizcommerce or /avvyr' } });
    return;
  }
  const { platform } = m;
  const rest = segments.slice(m.prefix.length);
  const route = platform.router.match(method, rest);
  if (route === undefined || route === 'method-not-allowed') {
    const reply = route === undefined ? platform.notFound() : platform.methodNotAllowed();
    deps.stats.record(platform.name, 'unrouted', reply.status);
    send(res, reply);
    return;
  }
  const op = route.value;
  const raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  let body: unknown;
  let malformed = false;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    malformed = true;
  }
  const ctx: RequestContext = {
    method,
    path: `/${rest.join('/')}`,
    query,
    headers: req.headers,
    body,
    params: route.params,
    remoteAddress: req.socket.remoteAddress ?? '',
    now: deps.now(),
  };
  const conformance = op.spec === undefined ? undefined : deps.conformance();
  if (conformance !== undefined && op.spec !== undefined) {
    conformance.checkRequest(platform.name, op.spec, ctx, malformed ? raw : body);
  }
  const reply = malformed ? platform.malformedBody() : await run(deps, platform, op, ctx);
  if (op.kind === 'manage' && op.commits && reply.status < 300 && deps.faults.active() && deps.faults.takeDropAfterCommit(platform.name)) {
    deps.stats.record(platform.name, op.name, 0);
    res.socket?.destroy();
    return;
  }
  deps.stats.record(platform.name, op.name, reply.status);
  if (conformance !== undefined && op.spec !== undefined) conformance.checkResponse(platform.name, op.spec, ctx, reply);
  send(res, reply);
}

async function run(deps: PipelineDeps, platform: PlatformModule, op: Operation, ctx: RequestContext): Promise<Reply> {
  if (op.kind !== 'manage') return op.handle(ctx);
  const key = platform.rateLimitKey(ctx);
  const info = platform.limiter.take(key, ctx.now);
  let reply: Reply;
  if (info.limited) {
    reply = platform.tooManyRequests(info);
  } else if (deps.faults.active()) {
    reply = await withFaults(deps, platform, op, ctx, key);
  } else {
    reply = await op.handle(ctx);
  }
  // With limits off there is no budget to announce (a 429 burst still looks like the real thing).
  if (reply.status !== 429 && !platform.limiter.current().enabled) return reply;
  const rate = platform.rateLimitHeaders(reply.status === 429 ? { ...info, remaining: 0 } : info);
  return { ...reply, headers: { ...rate, ...reply.headers } };
}

async function withFaults(deps: PipelineDeps, platform: PlatformModule, op: Operation, ctx: RequestContext, key: string): Promise<Reply> {
  const latency = deps.faults.latencyMs(platform.name);
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  if (deps.faults.takeBurst429(platform.name)) return platform.tooManyRequests(platform.limiter.exhausted(key, ctx.now));
  if (deps.faults.shouldFail(platform.name, deps.random)) return platform.internalError();
  return op.handle(ctx);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      resolve(chunks.length === 1 ? (chunks[0]?.toString() ?? '') : Buffer.concat(chunks).toString());
    });
    req.on('error', reject);
  });
}

/** send writes a Reply with an explicit Content-Length so keep-alive clients never see chunked framing. */
export function send(res: ServerResponse, reply: Reply): void {
  let payload = '';
  let contentType: string | undefined;
  if (reply.text !== undefined) {
    payload = reply.text.value;
    contentType = reply.text.contentType;
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    contentType = 'application/json';
  }
  const headers: Record<string, string | number> = { ...reply.headers, 'Content-Length': Buffer.byteLength(payload) };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  res.writeHead(reply.status, headers);
  res.end(payload);
}
