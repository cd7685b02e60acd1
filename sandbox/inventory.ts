import { fingerprint, isoSeconds } from './ids.js';
import type { PlatformName } from './platform-name.js';

/** TokenScope is the owner level of an issued token. */
export type TokenScope = 'store' | 'account' | 'tenant' | 'market';

/** TokenState is the lifecycle state reported by the inventory. */
export type TokenState = 'active' | 'disabled' | 'expired' | 'revoked';

/**
 * An IssuedToken is the platform-neutral record every platform module keeps for
 * each token it issued. Platform modules mutate it in place (revoke, last use,
 * rename); the inventory reads it. It never holds the secret value.
 */
export interface IssuedToken {
  readonly platform: PlatformName;
  readonly id: string;
  /** kind is the platform's token type, e.g. `storefront`, `private`, `account`, `api`. */
  readonly kind: string;
  readonly scope: TokenScope;
  readonly scopeId: string;
  name: string;
  origins: readonly string[];
  /** fingerprint is the first 8 hex of the SHA-256 of the current secret value. */
  fingerprint: string;
  readonly createdAtMs: number;
  revokedAtMs: number | null;
  lastUsedAtMs: number | null;
  expiresAtMs: number | null;
  /** disabled models Cloudflare's `disabled` status; other platforms never set it. */
  disabled: boolean;
}

/** InventoryEntry is the serialisable view of an IssuedToken, as served by `GET /_sandbox/inventory`. */
export interface InventoryEntry {
  readonly platform: PlatformName;
  readonly id: string;
  readonly kind: string;
  readonly scope: TokenScope;
  readonly scopeId: string;
  readonly name: string;
  readonly state: TokenState;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly origins: readonly string[];
  readonly fingerprint: string;
}

/** tokenState derives a token's state at time now; revocation wins over expiry. */
export function tokenState(t: IssuedToken, now: number): TokenState {
  if (t.revokedAtMs !== null) return 'revoked';
  if (t.expiresAtMs !== null && now >= t.expiresAtMs) return 'expired';
  if (t.disabled) return 'disabled';
  return 'active';
}

function iso(ms: number | null): string | null {
  return ms === null ? null : isoSeconds(ms);
}

/**
 * Inventory is the append-only list of every token the sandbox ever issued,
 * across platforms. It keeps fingerprints, never values, unless a test asked
 * for them (retainValues): then every value ever issued or rolled is kept in
 * memory for issuedValues(), which nothing serves over HTTP.
 */
export class Inventory {
  private readonly tokens: IssuedToken[] = [];
  private readonly values: { readonly platform: PlatformName; readonly value: string }[] | undefined;

  constructor(options: { readonly retainValues?: boolean } = {}) {
    this.values = options.retainValues === true ? [] : undefined;
  }

  /** add appends a newly issued token; value is its secret, kept only when values are retained. */
  add(token: IssuedToken, value: string): void {
    this.tokens.push(token);
    this.values?.push({ platform: token.platform, value });
  }

  /** revalue records that a token's secret was replaced in place (Cloudflare's roll). */
  revalue(token: IssuedToken, value: string): void {
    token.fingerprint = fingerprint(value);
    this.values?.push({ platform: token.platform, value });
  }

  /** issuedValues returns every value ever issued or rolled, or undefined when values are not retained. */
  issuedValues(platform?: PlatformName): string[] | undefined {
    return this.values?.filter((v) => platform === undefined || v.platform === platform).map((v) => v.value);
  }

  /** entries lists every token with its state at time now, optionally for one platform. */
  entries(now: number, platform?: PlatformName): InventoryEntry[] {
    const out: InventoryEntry[] = [];
    for (const t of this.tokens) {
      if (platform !== undefined && t.platform !== platform) continue;
      out.push({
        platform: t.platform,
        id: t.id,
        kind: t.kind,
        scope: t.scope,
        scopeId: t.scopeId,
        name: t.name,
        state: tokenState(t, now),
        createdAt: isoSeconds(t.createdAtMs),
        revokedAt: iso(t.revokedAtMs),
        lastUsedAt: iso(t.lastUsedAtMs),
        expiresAt: iso(t.expiresAtMs),
        origins: [...t.origins],
        fingerprint: t.fingerprint,
      });
    }
    return out;
  }

  /** clear forgets every token (used by `POST /_sandbox/reset` with `tokens: true`). */
  clear(): void {
    this.tokens.length = 0;
  }
}
