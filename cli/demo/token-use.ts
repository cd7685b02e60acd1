import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';

/** A TokenUse is one presentation of a delivered token at its platform's token-use endpoint. */
export interface TokenUse {
  /** status is the HTTP status the platform answered: 2xx accepted, 401/403 refused. */
  readonly status: number;
  /** endpoint is what was called, for the story the demo tells. */
  readonly endpoint: string;
}

/**
 * useToken presents a token the way its consumer would (a storefront's
 * GraphQL call, a Cloudflare verify, a catalogue read) at the connection's
 * base URL, so tests and the demo prove a delivered token works, and that a
 * revoked one is refused. It is a probe for the sandbox and for smoke tests;
 * the value goes only into the request header.
 */
export async function useToken(baseUrl: string, spec: StorefrontTokenSpec, value: string): Promise<TokenUse> {
  const { url, init } = request(baseUrl, spec, value);
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { status: response.status, endpoint: `${init.method ?? 'GET'} ${new URL(url).pathname}` };
}

function request(baseUrl: string, spec: StorefrontTokenSpec, value: string): { url: string; init: RequestInit } {
  const bearer = { authorization: `Bearer ${value}` };
  if (spec.bigcommerce !== undefined) {
    const origin = spec.bigcommerce.allowedCorsOrigins?.[0];
    return {
      url: `${baseUrl}/stores/${spec.bigcommerce.storeHash}/graphql`,
      init: { method: 'POST', headers: { ...bearer, 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) }, body: JSON.stringify({ query: '{ site { settings { storeName } } }' }) },
    };
  }
  if (spec.cloudflare !== undefined) {
    return { url: `${baseUrl}/accounts/${spec.cloudflare.accountId}/tokens/verify`, init: { method: 'GET', headers: bearer } };
  }
  if (spec.avvyr !== undefined) {
    const origin = spec.avvyr.allowedOrigins[0];
    return { url: `${baseUrl}/storefront/v1/shop`, init: { method: 'GET', headers: { 'x-avvyr-storefront-token': value, ...(origin === undefined ? {} : { origin }) } } };
  }
  return { url: `${baseUrl}/v1/products`, init: { method: 'GET', headers: { 'x-api-key': value } } };
}
