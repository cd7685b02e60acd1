import { CoreError } from '../../errors.js';
import type { SecretValue } from '../../secret.js';
import type { ConnectOptions, Connection } from '../../contract/adapter.js';
import type { Capabilities } from '../../contract/capabilities.js';
import type { PlatformName } from '../../schema/platform.js';
import { HttpClient, type ErrorMessageReader } from './http-client.js';
import type { Sleep } from './sleep.js';

/** PlatformHttp is what an adapter tells connectHttp about its platform's wire habits (rate-limit headers are in its capabilities). */
export interface PlatformHttp {
  readonly platform: PlatformName;
  readonly capabilities: Capabilities;
  readonly readErrorMessage: ErrorMessageReader;
}

/** HttpTestHooks are extra seams only tests set: a fake sleep and a fixed jitter. */
export interface HttpTestHooks {
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** connectHttp builds a connection's HttpClient from the adapter's wire habits and the caller's options. */
export function connectHttp(platform: PlatformHttp, connection: Connection, options: ConnectOptions & HttpTestHooks = {}): HttpClient {
  return new HttpClient({
    platform: platform.platform,
    baseUrl: connection.baseUrl ?? platform.capabilities.defaultBaseUrl,
    requestsPerSecond: connection.requestsPerSecond ?? platform.capabilities.defaultRequestsPerSecond,
    // A rate the user set is a ceiling; the platform's default pace only bridges until its headers speak.
    paceAlways: connection.requestsPerSecond !== undefined,
    rateLimitHeaders: platform.capabilities.rateLimitHeaders,
    readErrorMessage: platform.readErrorMessage,
    secrets: Object.values(connection.credentials),
    fetch: options.fetch,
    now: options.now,
    sleep: options.sleep,
    random: options.random,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    onCall: options.onCall,
  });
}

/** requireCredential returns one credential of the connection, or ERR_CONNECTION_INVALID naming the missing key. */
export function requireCredential(connection: Connection, key: string, platform: PlatformName): SecretValue {
  const value = connection.credentials[key];
  if (value === undefined || value.reveal() === '') {
    throw new CoreError('ERR_CONNECTION_INVALID', `The ${platform} connection has no "${key}" credential`, { platform, path: ['credentials', key] });
  }
  return value;
}
