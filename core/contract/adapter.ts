import type { SecretValue } from '../secret.js';
import type { PlatformName } from '../schema/platform.js';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';
import type { Capabilities } from './capabilities.js';

/**
 * A TokenRef is what we keep to find an issued token again: the platform's
 * id where it assigns one, and the value where the platform needs it to
 * observe or revoke (capabilities.revokeNeedsValue / introspect).
 */
export interface TokenRef {
  /** id is the platform's token id, when it has one. */
  readonly id?: string;
  /** value is the token itself, when the platform needs it (BigCommerce, WizCommerce). */
  readonly value?: SecretValue;
}

/** An IssueRequest is everything an adapter needs to create one token. */
export interface IssueRequest {
  /** spec is the validated desired state; the adapter reads its own platform block. */
  readonly spec: StorefrontTokenSpec;
  /** name is the resolved display name, for platforms whose tokens have names. */
  readonly name: string;
  /** expiresAt is the resolved expiry, when the spec or the platform sets one. */
  readonly expiresAt?: Date;
  /**
   * idempotencyKey is unique per create attempt and recorded before the call,
   * so an attempt whose outcome is unknown can be found (list, idempotent
   * replay) instead of issued twice.
   */
  readonly idempotencyKey: string;
}

/** An IssuedToken is a freshly created token, the only time its value is seen. */
export interface IssuedToken {
  /** ref finds the token again (id and, where needed, value). */
  readonly ref: TokenRef;
  /** value is the secret to deliver. */
  readonly value: SecretValue;
  /** issuedAt is when the platform created it. */
  readonly issuedAt: Date;
  /** expiresAt is when it expires, if it does. */
  readonly expiresAt?: Date;
  /** observed is the token as issued, in the shape of the spec, for later drift checks. */
  readonly observed: ObservedSpec;
}

/**
 * ObservedSpec is a token as the platform reports it, in the shape of the
 * spec: the display name and the platform block's fields the platform can
 * tell us. Fields the platform cannot report are absent, never guessed.
 */
export interface ObservedSpec {
  /** displayName as the platform shows it, without any internal marker. */
  readonly displayName?: string;
  /** block holds observed fields of the platform block, e.g. { allowedCorsOrigins: [...] }. */
  readonly block: Readonly<Record<string, unknown>>;
}

/** TokenState is a token's state at the platform, as far as it can tell. */
export type TokenState = 'active' | 'revoked' | 'expired' | 'missing' | 'unknown';

/** An Observation is the result of looking at one token; it never changes anything. */
export interface Observation {
  /** state is `unknown` where the platform has no read endpoint and nothing else tells. */
  readonly state: TokenState;
  /** expiresAt, from the platform or the token's own claims. */
  readonly expiresAt?: Date;
  /** lastUsedAt, where the platform reports it. */
  readonly lastUsedAt?: Date;
  /** observed is the token's current settings, for drift detection, when they can be seen. */
  readonly observed?: ObservedSpec;
}

/**
 * InDoubtResolution says what became of a create whose response was lost:
 * `found` (with the value only where the platform can hand it back),
 * `absent` (it did not land: create again), or `unknowable` (the platform
 * can neither list nor replay; the orphan, if any, expires on its own).
 */
export type InDoubtResolution =
  | { readonly outcome: 'found'; readonly ref: TokenRef; readonly value?: SecretValue; readonly expiresAt?: Date }
  | { readonly outcome: 'absent' }
  | { readonly outcome: 'unknowable' };

/**
 * A PlatformClient manages one platform's tokens through one connection.
 *
 * The contract, which the adapter contract suite checks for every adapter:
 * - Every call accepts an AbortSignal and gives up promptly when it fires.
 * - `observe` never changes anything at the platform.
 * - `issue` creates exactly one token per successful call, sends
 *   `idempotencyKey` where the platform supports it (or marks the token so
 *   `resolveInDoubt` can find it), and throws `ERR_CREATE_IN_DOUBT` when the
 *   request may have landed but no answer came back; it never retries such a
 *   create blindly.
 * - `update` exists only where some field can change in place; it changes
 *   those fields and nothing else.
 * - `revoke` is idempotent: revoking a revoked, expired or missing token
 *   succeeds.
 * - `roll` exists only where capabilities.roll is true.
 * - Errors are CoreErrors with stable codes and carry no secret; rate limits
 *   and transient failures are retried inside the client with backoff that
 *   honours the platform's rate-limit headers, and surface as
 *   `ERR_PLATFORM_RATE_LIMITED` / `ERR_PLATFORM_UNAVAILABLE` only when the
 *   retry budget is spent.
 */
export interface PlatformClient {
  /** issue creates a token as the request describes and returns its value, once. */
  issue(request: IssueRequest, signal?: AbortSignal): Promise<IssuedToken>;
  /** observe reports a token's state and settings without changing it. */
  observe(ref: TokenRef, signal?: AbortSignal): Promise<Observation>;
  /** update changes the in-place fields of an existing token to match the spec. */
  update?(ref: TokenRef, request: Omit<IssueRequest, 'idempotencyKey'>, signal?: AbortSignal): Promise<Observation>;
  /** revoke makes the token stop working; idempotent. */
  revoke(ref: TokenRef, signal?: AbortSignal): Promise<void>;
  /** roll replaces the token's value, keeping its id; the previous value stops working at once. */
  roll?(ref: TokenRef, signal?: AbortSignal): Promise<IssuedToken>;
  /** resolveInDoubt finds out whether an in-doubt create with this key landed. */
  resolveInDoubt(request: IssueRequest, signal?: AbortSignal): Promise<InDoubtResolution>;
}

/** A Connection is a resolved platform connection: where, and with what credentials. */
export interface Connection {
  /** baseUrl overrides the platform's public API, e.g. with the sandbox's. */
  readonly baseUrl?: string;
  /** credentials maps capabilities.credentialKeys to their secret values. */
  readonly credentials: Readonly<Record<string, SecretValue>>;
  /** requestsPerSecond caps our request rate toward the platform. */
  readonly requestsPerSecond?: number;
}

/** A PlatformCall is one HTTP call an adapter made, for metrics and logs. */
export interface PlatformCall {
  readonly platform: PlatformName;
  /** operation is a stable name such as `create`, `revoke`, `list`. */
  readonly operation: string;
  /** outcome is the HTTP status, or `error` when no response came. */
  readonly outcome: number | 'error';
  readonly durationMs: number;
}

/** ConnectOptions are the injectable dependencies of a PlatformClient. */
export interface ConnectOptions {
  /** fetch performs HTTP; injected so tests can count or fail calls. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** now returns the current time in ms; injected for deterministic tests. @default Date.now */
  readonly now?: () => number;
  /** timeoutMs bounds each HTTP attempt. @default 10000 */
  readonly timeoutMs?: number;
  /** maxAttempts bounds retries of retryable failures. @default 5 */
  readonly maxAttempts?: number;
  /** onCall observes every platform call (metrics). */
  readonly onCall?: (call: PlatformCall) => void;
}

/**
 * A PlatformAdapter is one platform's implementation: its declared
 * capabilities and a way to connect.
 */
export interface PlatformAdapter {
  /** platform is the adapter's identity; shared code never branches on it. */
  readonly platform: PlatformName;
  /** capabilities declares what the platform's token API can do. */
  readonly capabilities: Capabilities;
  /** connect returns a client bound to one connection. */
  connect(connection: Connection, options?: ConnectOptions): PlatformClient;
}
