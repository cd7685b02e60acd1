import type { Connection } from '../../core/contract/adapter.js';
import { capabilityTable } from '../../core/platforms/registry.js';
import { SecretValue } from '../../core/secret.js';
import { baseUrlProblem } from '../../core/schema/base-url.js';
import { platformNames, type PlatformName } from '../../core/schema/platform.js';
import { errorDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import type { ConfigureRequest, ConfigureResult } from '../framework/provider.js';
import { isObjectValue, isUnknown, isWhollyKnown, type ObjectValue, type Value } from '../framework/value.js';
import { snakeCase } from '../storefront-token/codec.js';
import { ProviderContext } from './context.js';
import { KubeSecretStore } from './kube-secret-store.js';
import { envName } from './schema.js';

/** ConfigureDependencies are the seams tests replace. */
export interface ConfigureDependencies {
  /** env supplies the SFTOKEN_* fallbacks. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

function text(block: ObjectValue | undefined, attribute: string): string | undefined {
  const v: Value | undefined = block?.[attribute];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * connectionOf resolves one platform's connection: attributes first, then
 * SFTOKEN_<PLATFORM>_<ATTRIBUTE>. A platform with no credentials at all is
 * left out, so only resources that use it fail, with a diagnostic naming
 * the missing settings.
 */
export function connectionOf(platform: PlatformName, block: ObjectValue | undefined, env: NodeJS.ProcessEnv): Connection | undefined {
  const setting = (attribute: string): string | undefined => text(block, attribute) ?? (env[envName(platform, attribute)] || undefined);
  const credentials: Record<string, SecretValue> = {};
  for (const key of capabilityTable[platform].credentialKeys) {
    const value = setting(snakeCase(key));
    if (value !== undefined) credentials[key] = new SecretValue(value);
  }
  if (Object.keys(credentials).length === 0) return undefined;
  const baseUrl = setting('base_url');
  const rate = block?.['requests_per_second'];
  const requestsPerSecond = typeof rate === 'number' ? rate : typeof rate === 'bigint' ? Number(rate) : undefined;
  return { credentials, ...(baseUrl === undefined ? {} : { baseUrl }), ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }) };
}

/** validateProviderConfig checks the known settings of the provider block. */
export function validateProviderConfig(config: ObjectValue): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const platform of platformNames) {
    const block = config[platform];
    if (!isObjectValue(block)) continue;
    const url = block['base_url'];
    // The same rule as a PlatformConnection's spec.baseUrl: https, or plain http to loopback only.
    const problem = typeof url === 'string' ? baseUrlProblem(url) : undefined;
    if (typeof url === 'string' && problem !== undefined) {
      diagnostics.push(errorDiagnostic('Invalid Base URL', `${platform}.base_url ${problem}; got "${url}".`, [{ attribute: platform }, { attribute: 'base_url' }]));
    }
    const rate = block['requests_per_second'];
    if (typeof rate === 'number' && !(rate > 0)) {
      diagnostics.push(errorDiagnostic('Invalid Request Rate', `${platform}.requests_per_second must be greater than zero, got ${rate}.`, [{ attribute: platform }, { attribute: 'requests_per_second' }]));
    }
  }
  return diagnostics;
}

/** configureProvider turns the provider block into the context every resource call uses. */
export function configureProvider(request: ConfigureRequest, deps: ConfigureDependencies = {}): ConfigureResult<ProviderContext> {
  const env = deps.env ?? process.env;
  const { config } = request;
  // The Kubernetes settings are needed by every call (Secrets); a platform block is needed only by its own tokens.
  const unknown = Object.entries(config).filter(([k, v]) => isUnknown(v) || (k === 'kubernetes' && !isWhollyKnown(v))).map(([k]) => k);
  if (unknown.length > 0) {
    return { context: undefined, diagnostics: [errorDiagnostic('Provider Configuration Not Known', `The provider settings ${unknown.join(', ')} depend on values known only after apply; the provider needs them to plan. Set them from values known at plan time.`)] };
  }
  const connections: Partial<Record<PlatformName, Connection>> = {};
  const pending = new Set<PlatformName>();
  const refused: Diagnostic[] = [];
  for (const platform of platformNames) {
    const block = config[platform];
    // A setting known only after apply (say a credential opened from an ephemeral resource whose token is still
    // being created) must not fall back to SFTOKEN_* silently: that would act with another credential.
    if (isObjectValue(block) && !isWhollyKnown(block)) {
      pending.add(platform);
      continue;
    }
    const connection = connectionOf(platform, isObjectValue(block) ? block : undefined, env);
    if (connection === undefined) continue;
    // validate saw only the attribute; a base URL from SFTOKEN_<PLATFORM>_BASE_URL is checked here, before any credential is sent.
    const problem = connection.baseUrl === undefined ? undefined : baseUrlProblem(connection.baseUrl);
    if (problem !== undefined) {
      const from = text(isObjectValue(block) ? block : undefined, 'base_url') === undefined ? `${envName(platform, 'base_url')} (the default of ${platform}.base_url)` : `${platform}.base_url`;
      refused.push(errorDiagnostic('Invalid Base URL', `${from} ${problem}; got "${connection.baseUrl ?? ''}".`, [{ attribute: platform }, { attribute: 'base_url' }]));
    }
    connections[platform] = connection;
  }
  if (refused.length > 0) return { context: undefined, diagnostics: refused };
  const kube = config['kubernetes'];
  const kubeBlock = isObjectValue(kube) ? kube : undefined;
  // Without config_path client-node's default loading applies: KUBECONFIG (a list is fine), then ~/.kube/config.
  const configPath = text(kubeBlock, 'config_path');
  const context = text(kubeBlock, 'context');
  const secrets = new KubeSecretStore({ ...(configPath === undefined ? {} : { configPath }), ...(context === undefined ? {} : { context }) });
  return { context: new ProviderContext({ connections, pending, secrets }) };
}
