/** HttpResult is a fetched response with its JSON body (or null) and lower-cased headers. */
export interface HttpResult {
  readonly status: number;
  // Response bodies differ per platform and per test; tests narrow them with expect() rather than types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only convenience for asserting JSON shapes
  readonly body: any;
  readonly text: string;
  readonly headers: Record<string, string>;
}

/** call sends one request with an optional JSON body and parses the JSON answer. */
export async function call(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): Promise<HttpResult> {
  const init: RequestInit = { method, headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: res.status, body: parsed, text, headers: Object.fromEntries(res.headers) };
}

/** decodeJwtPayload reads a JWT's claims without verifying it (verification is done with jose where it matters). */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
}
