import { OpenAPIBackend, type Document } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';
import type { PlatformName } from './platform-name.js';
import type { Reply, RequestContext, SpecBinding, SpecDoc } from './platform.js';
import { readSpecFile, readWizCommerceSpec, VENDOR_SPEC_FILES } from './spec-files.js';

/** Violation is one request or response that did not match its OpenAPI operation. It never carries header or body values. */
export interface Violation {
  readonly platform: PlatformName;
  readonly operationId: string;
  readonly direction: 'request' | 'response';
  readonly method: string;
  /** path is the spec-relative path that was checked. */
  readonly path: string;
  /** status is the response status for response violations, else null. */
  readonly status: number | null;
  /** errors are schema-validator messages such as `/requestBody must have required property 'expires_at'`. */
  readonly errors: readonly string[];
  readonly at: string;
}

const MAX_VIOLATIONS = 10_000;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

interface Validators {
  readonly request: OpenAPIBackend;
  readonly response: OpenAPIBackend;
}

/** AjvLike is the one method we call on the validator instance openapi-backend hands to customizeAjv. */
interface AjvLike {
  addFormat(name: string, format: RegExp): unknown;
}

/**
 * wrapRefSiblings rewrites `{ $ref, ...siblings }` as `{ allOf: [{ $ref }], ...siblings }`.
 * The Cloudflare document puts keywords next to `$ref` (e.g. `iam_token_body`,
 * `modified_on`); OAS 3.0 says to ignore them, and openapi-backend's quick
 * dereferencer cannot resolve such refs at all. allOf keeps both meanings valid.
 */
function wrapRefSiblings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(wrapRefSiblings);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = wrapRefSiblings(v);
  const ref = out['$ref'];
  if (typeof ref === 'string' && Object.keys(out).length > 1) {
    delete out['$ref'];
    out['allOf'] = [{ $ref: ref }];
  }
  return out;
}

async function backend(definition: Document): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({
    definition: wrapRefSiblings(definition) as Document,
    strict: false,
    // quick skips openapi-backend's definition lint, which rejects the Cloudflare document's `$ref` siblings
    // (legal in practice, ignored by OAS 3.0) and would then leave the document un-dereferenced.
    quick: true,
    validate: true,
    // openapi-backend registers only numeric formats; the specs use date-time, which ajv would otherwise ignore.
    customizeAjv: (ajv) => {
      (ajv as unknown as AjvLike).addFormat('date-time', DATE_TIME);
      return ajv;
    },
  });
  await api.init();
  return api;
}

/**
 * tolerateCloudflareRequestQuirks returns a copy of the Cloudflare document for
 * request validation only. The assembled spec lists the read-only policy `id`
 * in `required`, yet create examples omit it and the server assigns it; we
 * drop it from `required` for requests and keep the original for responses.
 */
function tolerateCloudflareRequestQuirks(doc: Document): Document {
  const copy = structuredClone(doc) as unknown as { components: { schemas: Record<string, { required?: string[] }> } };
  const policy = copy.components.schemas['iam_policy_with_permission_groups_and_resources'];
  if (policy?.required !== undefined) policy.required = policy.required.filter((r) => r !== 'id');
  return copy as unknown as Document;
}

/**
 * Conformance validates sandbox traffic against the vendor OpenAPI documents
 * (BigCommerce, Cloudflare), the WizCommerce document we wrote from its docs
 * and our Avvyr document with openapi-backend, and
 * records violations instead of rejecting, so a contract suite can assert
 * afterwards that an adapter sent only valid requests.
 */
export class Conformance {
  private readonly docs: ReadonlyMap<SpecDoc, Validators>;
  private readonly found: Violation[] = [];

  private constructor(docs: ReadonlyMap<SpecDoc, Validators>) {
    this.docs = docs;
  }

  /** load reads and compiles the four documents; it takes about a second, so the sandbox does it only with `validate: true`. */
  static async load(specsDir: string, avvyrYaml: string): Promise<Conformance> {
    const bc = parseYaml(readSpecFile(specsDir, VENDOR_SPEC_FILES.bigcommerce)) as Document;
    const cf = JSON.parse(readSpecFile(specsDir, VENDOR_SPEC_FILES.cloudflare)) as Document;
    const wiz = parseYaml(readWizCommerceSpec()) as Document;
    const av = parseYaml(avvyrYaml) as Document;
    const [bcApi, cfReq, cfRes, wizApi, avApi] = await Promise.all([backend(bc), backend(tolerateCloudflareRequestQuirks(cf)), backend(cf), backend(wiz), backend(av)]);
    return new Conformance(
      new Map<SpecDoc, Validators>([
        ['bigcommerce', { request: bcApi, response: bcApi }],
        ['cloudflare', { request: cfReq, response: cfRes }],
        ['wizcommerce', { request: wizApi, response: wizApi }],
        ['avvyr', { request: avApi, response: avApi }],
      ]),
    );
  }

  /** checkRequest validates path and query parameters, headers and body; `body` is the raw text when it was not JSON. */
  checkRequest(platform: PlatformName, spec: SpecBinding, ctx: RequestContext, body: unknown): void {
    const v = this.docs.get(spec.doc);
    if (v === undefined) return;
    const path = specPath(ctx.path, spec);
    const query: Record<string, string> = {};
    for (const [k, val] of ctx.query) query[k] = val;
    const headers: Record<string, string | string[]> = {};
    for (const [k, val] of Object.entries(ctx.headers)) if (val !== undefined) headers[k] = val;
    const req = body === undefined ? { method: ctx.method, path, query, headers } : { method: ctx.method, path, query, headers, body: body as object };
    const where = { platform, spec, method: ctx.method, path };
    try {
      const result = v.request.validateRequest(req, spec.operationId);
      if (!result.valid) this.record(where, null, result.errors);
    } catch (err) {
      this.record(where, null, [{ message: `validator failed: ${err instanceof Error ? err.message : 'unknown error'}` }]);
    }
  }

  /** checkResponse validates a JSON reply body against the operation's schema for its status. */
  checkResponse(platform: PlatformName, spec: SpecBinding, ctx: RequestContext, reply: Reply): void {
    const v = this.docs.get(spec.doc);
    if (v === undefined || reply.text !== undefined) return;
    const where = { platform, spec, method: ctx.method, path: specPath(ctx.path, spec) };
    try {
      const result = v.response.validateResponse(reply.body, spec.operationId, reply.status);
      // Declared response headers (Avvyr's RateLimit-*, Idempotent-Replayed) are type-checked when present.
      const headers = v.response.validateResponseHeaders(reply.headers ?? {}, spec.operationId, { statusCode: reply.status });
      const errors = [...(result.errors ?? []), ...(headers.errors ?? [])];
      if (errors.length > 0) this.record(where, reply.status, errors);
    } catch (err) {
      this.record(where, reply.status, [{ message: `validator failed: ${err instanceof Error ? err.message : 'unknown error'}` }]);
    }
  }

  /** violations returns a copy of everything recorded so far. */
  violations(): Violation[] {
    return [...this.found];
  }

  /** clear forgets recorded violations. */
  clear(): void {
    this.found.length = 0;
  }

  private record(
    where: { platform: PlatformName; spec: SpecBinding; method: string; path: string },
    status: number | null,
    errors: readonly { instancePath?: string; message?: string }[] | null | undefined,
  ): void {
    if (this.found.length >= MAX_VIOLATIONS) return;
    this.found.push({
      platform: where.platform,
      operationId: where.spec.operationId,
      direction: status === null ? 'request' : 'response',
      method: where.method,
      path: where.path,
      status,
      errors: (errors ?? []).map((e) => `${e.instancePath === undefined || e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? 'is invalid'}`),
      at: new Date().toISOString(),
    });
  }
}

function specPath(path: string, spec: SpecBinding): string {
  if (spec.stripSegments === 0) return path;
  const segs = path.split('/').filter((s) => s !== '');
  return `/${segs.slice(spec.stripSegments).join('/')}`;
}
