import { sha256Hex } from '../ids.js';

/** CfPermissionGroup is one entry of `GET /accounts/{id}/tokens/permission_groups`. */
export interface CfPermissionGroup {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
}

const ACCOUNT = 'com.cloudflare.api.account';
const ZONE = 'com.cloudflare.api.account.zone';

const SEED: readonly (readonly [string, string])[] = [
  ['Account API Tokens Read', ACCOUNT],
  ['Account API Tokens Write', ACCOUNT],
  ['Account Settings Read', ACCOUNT],
  ['Account Settings Write', ACCOUNT],
  ['Billing Read', ACCOUNT],
  ['Workers Scripts Read', ACCOUNT],
  ['Workers Scripts Write', ACCOUNT],
  ['Workers KV Storage Read', ACCOUNT],
  ['Workers KV Storage Write', ACCOUNT],
  ['Workers R2 Storage Read', ACCOUNT],
  ['Workers R2 Storage Write', ACCOUNT],
  ['Pages Read', ACCOUNT],
  ['Pages Write', ACCOUNT],
  ['Load Balancing: Monitors and Pools Read', ACCOUNT],
  ['Load Balancing: Monitors and Pools Write', ACCOUNT],
  ['Access: Apps and Policies Read', ACCOUNT],
  ['Access: Apps and Policies Write', ACCOUNT],
  ['Zone Read', ZONE],
  ['Zone Write', ZONE],
  ['DNS Read', ZONE],
  ['DNS Write', ZONE],
  ['Cache Purge', ZONE],
  ['Analytics Read', ZONE],
  ['SSL and Certificates Write', ZONE],
];

/**
 * CF_PERMISSION_GROUPS is the seeded catalogue. Ids are 32 hex characters
 * derived from the name, so they are stable across sandbox runs and tests can
 * hard-code them if they must (prefer looking them up by name).
 */
export const CF_PERMISSION_GROUPS: readonly CfPermissionGroup[] = SEED.map(([name, scope]) => ({
  id: sha256Hex(`cloudflare-permission-group:${name}`).slice(0, 32),
  name,
  scopes: [scope],
}));

/** CF_PERMISSION_GROUPS_BY_ID indexes the catalogue for policy validation. */
export const CF_PERMISSION_GROUPS_BY_ID: ReadonlyMap<string, CfPermissionGroup> = new Map(CF_PERMISSION_GROUPS.map((g) => [g.id, g]));
