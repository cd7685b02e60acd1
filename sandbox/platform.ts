import type { IncomingHttpHeaders } from 'node:http';
import type { PlatformName } from './platform-name.js';
import type { FixedWindowLimiter, RateInfo } from './rate-limiter.js';
import type { Router } from './router.js';

/** Reply is what an operation answers: a JSON body (or raw text) with status and extra headers. */
export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** body is serialised as JSON; omit it (and text) for an empty body. */
  readonly body?: unknown;
  /** text is sent verbatim instead of body (used for the served OpenAPI document). */
  readonly text?: { readonly contentType: string; readonly value: string };
}

/** RequestContext is the parsed request handed to an operation. */
export interface RequestContext {
  readonly method: string;
  /** path is the request path after the platform prefix, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** body is the parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
  readonly params: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  /** now is the sandbox clock (epoch ms) at the start of handling; tests inject it. */
  readonly now: number;
}

/** SpecDoc names an OpenAPI document the conformance checker loads. */
export type SpecDoc = 'bigcommerce' | 'cloudflare' | 'wizcommerce' | 'avvyr';

/** SpecBinding ties an operation to its OpenAPI operation for conformance checks. */
export interface SpecBinding {
  readonly doc: SpecDoc;
  readonly operationId: string;
  /** stripSegments is how many leading path segments (after the platform prefix) the spec's server URL already covers. */
  readonly stripSegments: number;
}

/**
 * OperationKind decides which cross-cutting behaviour applies: `manage` calls
 * (the token-management API) get rate limits and faults; `use` calls (token-use
 * endpoints) and `public` documents get neither, so tests can always probe a
 * token's validity even while faults are injected.
 */
export type OperationKind = 'manage' | 'use' | 'public';

/** An Operation is one routed platform endpoint. */
export interface Operation {
  /** name labels stats rows, e.g. `createToken`. */
  readonly name: string;
  readonly kind: OperationKind;
  /** commits marks creates: the only operations `dropAfterCommit` applies to. */
  readonly commits: boolean;
  readonly spec?: SpecBinding;
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

/**
 * A PlatformModule is one emulated platform: its routes plus the envelopes and
 * headers the shared request pipeline needs to answer in that platform's voice.
 */
export interface PlatformModule {
  readonly name: PlatformName;
  /** prefix is the base path, e.g. `/cloudflare/client/v4`. */
  readonly prefix: string;
  readonly router: Router<Operation>;
  readonly limiter: FixedWindowLimiter;
  /** rateLimitKey picks the quota bucket (store, credential, API key or client address). */
  rateLimitKey(ctx: RequestContext): string;
  /** rateLimitHeaders renders the budget as this platform's headers; sent on every management response. */
  rateLimitHeaders(info: RateInfo): Record<string, string>;
  tooManyRequests(info: RateInfo): Reply;
  internalError(): Reply;
  notFound(): Reply;
  methodNotAllowed(): Reply;
  /** malformedBody answers a body that is not valid JSON. */
  malformedBody(): Reply;
  /** clearTokens forgets every token this platform issued. */
  clearTokens(): void;
}

/** header reads a single request header value, joining repeated ones like node does for most headers. */
export function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  if (Array.isArray(v)) return v.join(', ');
  return v;
}

/** bearer extracts the credential from `Authorization: Bearer <x>`, or undefined. */
export function bearer(ctx: RequestContext): string | undefined {
  const v = header(ctx, 'authorization');
  if (v === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(v);
  return m?.[1];
}

/** isRecord narrows a parsed JSON value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
