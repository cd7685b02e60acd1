import { decodeJwt } from 'jose';
import { z } from 'zod';
import { CoreError } from '../../errors.js';
import type { SecretValue } from '../../secret.js';
import type { ObservedSpec } from '../../contract/adapter.js';

/** BigCommerceClaims are the (undocumented) claims a BigCommerce storefront JWT carries. */
export interface BigCommerceClaims {
  /** channelIds from `cid`, which is an integer or an array of them. */
  readonly channelIds: readonly number[];
  /** corsOrigins from `cors`; `[]` for impersonation tokens. */
  readonly corsOrigins: readonly string[];
  /** expiresAt from `eat` (there is no `exp`); undefined when `eat` is 0 (never expires). */
  readonly expiresAt?: Date;
  readonly issuedAt?: Date;
  readonly storeId?: number;
  /** tokenType is the numeric `token_type`: 1 storefront, 2 customer impersonation, 3 private (assumed). */
  readonly tokenType?: number;
  /** scopes, for private tokens, where the JWT lists them. */
  readonly scopes?: readonly string[];
}

const claimsSchema = z.looseObject({
  cid: z.union([z.number().int(), z.array(z.number().int())]),
  cors: z.array(z.string()).optional(),
  eat: z.number().optional(),
  iat: z.number().optional(),
  sid: z.number().optional(),
  token_type: z.number().optional(),
  scopes: z.array(z.string()).optional(),
});

// token_type 1 and 2 are seen in public tokens; 3 for private tokens is the sandbox's assumption.
const KIND_BY_TYPE: Readonly<Record<number, string>> = { 1: 'storefront', 2: 'customerImpersonation', 3: 'private' };

/**
 * readBigCommerceClaims decodes a BigCommerce token's payload WITHOUT
 * verifying its signature: BigCommerce publishes no key to verify with, and
 * the claims are only used to report what the token says about itself
 * (drift and expiry), never to grant anything. A value that is not a JWT with
 * the expected claims is ERR_PLATFORM_PROTOCOL, with no part of the value in
 * the message.
 */
export function readBigCommerceClaims(token: SecretValue): BigCommerceClaims {
  let payload: unknown;
  try {
    payload = decodeJwt(token.reveal());
  } catch (error) {
    throw new CoreError('ERR_PLATFORM_PROTOCOL', `The BigCommerce token ${token.fingerprint} is not a decodable JWT`, {
      platform: 'bigcommerce',
      cause: error instanceof Error ? new Error(error.message) : undefined,
    });
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new CoreError('ERR_PLATFORM_PROTOCOL', `The BigCommerce token ${token.fingerprint} lacks the expected claims (${paths})`, { platform: 'bigcommerce' });
  }
  const c = parsed.data;
  return {
    channelIds: Array.isArray(c.cid) ? c.cid : [c.cid],
    corsOrigins: c.cors ?? [],
    ...(c.eat === undefined || c.eat === 0 ? {} : { expiresAt: new Date(c.eat * 1000) }),
    ...(c.iat === undefined ? {} : { issuedAt: new Date(c.iat * 1000) }),
    ...(c.sid === undefined ? {} : { storeId: c.sid }),
    ...(c.token_type === undefined ? {} : { tokenType: c.token_type }),
    ...(c.scopes === undefined ? {} : { scopes: c.scopes }),
  };
}

/**
 * observedFromClaims renders claims in the shape of the spec's bigcommerce
 * block. An empty `cors` is left out rather than reported as `[]`, because
 * the spec says "no origins" by omitting the field.
 */
export function observedFromClaims(claims: BigCommerceClaims): ObservedSpec {
  const kind = claims.tokenType === undefined ? undefined : KIND_BY_TYPE[claims.tokenType];
  return {
    block: {
      channelIds: [...claims.channelIds],
      ...(claims.corsOrigins.length > 0 ? { allowedCorsOrigins: [...claims.corsOrigins] } : {}),
      ...(kind === undefined ? {} : { kind }),
      ...(claims.scopes === undefined ? {} : { scopes: [...claims.scopes] }),
    },
  };
}
