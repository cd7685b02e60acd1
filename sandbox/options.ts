import type { FaultPatch, FaultScope } from './faults.js';
import type { PlatformName } from './platform-name.js';
import type { RateLimitConfig } from './rate-limiter.js';

/** BigCommerceCredentials is the seeded store and its store-level API account. */
export interface BigCommerceCredentials {
  readonly storeHash: string;
  /** storeId is the numeric id carried in the JWT `sid` claim. */
  readonly storeId: number;
  /** clientId is the API account's client id, carried in the JWT `sub` claim. */
  readonly clientId: string;
  /** accessToken is sent as `X-Auth-Token`. */
  readonly accessToken: string;
  /** scopes are the OAuth scopes granted to the API account; tests drop one to provoke 403. */
  readonly scopes: readonly string[];
}

/** CloudflareCredentials is the seeded account and an API token holding Account API Tokens Write. */
export interface CloudflareCredentials {
  readonly accountId: string;
  readonly apiToken: string;
}

/** WizCommerceCredentials is the seeded user whose login creates tokens. */
export interface WizCommerceCredentials {
  readonly email: string;
  readonly password: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly firstName: string;
  readonly lastName: string;
}

/** AvvyrCredentials is the seeded tenant, its markets and an admin API key. */
export interface AvvyrCredentials {
  readonly tenantId: string;
  readonly marketIds: readonly string[];
  readonly apiKey: string;
}

/** SandboxCredentials groups the seeded admin credentials of all platforms. */
export interface SandboxCredentials {
  readonly bigcommerce: BigCommerceCredentials;
  readonly cloudflare: CloudflareCredentials;
  readonly wizcommerce: WizCommerceCredentials;
  readonly avvyr: AvvyrCredentials;
}

/** CredentialOverrides replaces some seeded credential fields. */
export type CredentialOverrides = { readonly [K in keyof SandboxCredentials]?: Partial<SandboxCredentials[K]> };

/** RateLimitsPatch changes some platforms' budgets; a platform set to `false` has its limit turned off. */
export type RateLimitsPatch = { readonly [K in PlatformName]?: Partial<RateLimitConfig> | false };

/** FaultsOption sets initial faults per scope. */
export type FaultsOption = { readonly [K in FaultScope]?: FaultPatch };

/** SandboxOptions configures startSandbox; every field has a working default. */
export interface SandboxOptions {
  /** port to listen on; 0 (the default) picks a free port. */
  readonly port?: number;
  /** host is always a loopback address; default 127.0.0.1. */
  readonly host?: string;
  /** validate checks every documented request and response against the OpenAPI documents (slower; on in tests). */
  readonly validate?: boolean;
  /** rateLimits adjusts the per-platform limits; `false` turns all of them off. */
  readonly rateLimits?: RateLimitsPatch | false;
  readonly faults?: FaultsOption;
  readonly credentials?: CredentialOverrides;
  /** specsDir holds the vendor OpenAPI files; default `<repo>/../shared/specs` or $SFTOKEN_SPECS_DIR. */
  readonly specsDir?: string;
  /** now is the clock (epoch ms); tests inject one to move past expiries and rate-limit windows. */
  readonly now?: () => number;
  /** random drives error-rate draws; tests inject a deterministic one. */
  readonly random?: () => number;
  /**
   * retainIssuedValues keeps every issued value in memory for `issuedValues()`, so a
   * leak test can search for all of them. Test-only: the CLI never sets it.
   */
  readonly retainIssuedValues?: boolean;
}

/** DEFAULT_CREDENTIALS are fixed so demos and docs can show them; they only ever unlock this sandbox. */
export const DEFAULT_CREDENTIALS: SandboxCredentials = {
  bigcommerce: {
    storeHash: 'sbx7k2m9qa',
    storeId: 1001234,
    clientId: 'sbxclient4n8q2w6e0r3t7y1u5i9o',
    accessToken: 'sbxbcadmin0access0token0k3j5h7',
    scopes: ['store_storefront_api', 'store_storefront_api_customer_impersonation'],
  },
  cloudflare: {
    accountId: 'a5c1e0d4b7f24c3e9d8a6b2f1e0c9d7a',
    apiToken: 'sbxCfAdminApiToken0000000000000000000000',
  },
  wizcommerce: {
    email: 'admin@sandbox.wizcommerce.test',
    password: 'sandbox-password',
    tenantId: 'tenant_sandbox',
    userId: 'user_sandbox_admin',
    firstName: 'Sandbox',
    lastName: 'Admin',
  },
  avvyr: {
    tenantId: 'tnt_sandbox',
    marketIds: ['mkt_se', 'mkt_no'],
    apiKey: 'avak_sandbox_admin_0000000000000000',
  },
};

/** DEFAULT_RATE_LIMITS mirror the real platforms (WizCommerce's is assumed: none is documented). */
export const DEFAULT_RATE_LIMITS: Readonly<Record<PlatformName, RateLimitConfig>> = {
  bigcommerce: { enabled: true, limit: 150, windowMs: 30_000 },
  cloudflare: { enabled: true, limit: 1200, windowMs: 300_000 },
  wizcommerce: { enabled: true, limit: 300, windowMs: 60_000 },
  avvyr: { enabled: true, limit: 600, windowMs: 60_000 },
};

/** resolveCredentials merges overrides into the defaults. */
export function resolveCredentials(overrides: CredentialOverrides | undefined): SandboxCredentials {
  return {
    bigcommerce: { ...DEFAULT_CREDENTIALS.bigcommerce, ...overrides?.bigcommerce },
    cloudflare: { ...DEFAULT_CREDENTIALS.cloudflare, ...overrides?.cloudflare },
    wizcommerce: { ...DEFAULT_CREDENTIALS.wizcommerce, ...overrides?.wizcommerce },
    avvyr: { ...DEFAULT_CREDENTIALS.avvyr, ...overrides?.avvyr },
  };
}
