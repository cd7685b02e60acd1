import { capabilityTable } from '../../core/platforms/registry.js';
import { platformNames, type PlatformName } from '../../core/schema/platform.js';
import type { AttributeSchema, BlockSchema, NestedBlockSchema } from '../framework/schema.js';
import { snakeCase } from '../storefront-token/codec.js';

/** envName is the environment variable that supplies a platform setting when the attribute is unset, e.g. SFTOKEN_CLOUDFLARE_API_TOKEN. */
export function envName(platform: PlatformName, attribute: string): string {
  return `SFTOKEN_${platform.toUpperCase()}_${attribute.toUpperCase()}`;
}

function platformBlock(platform: PlatformName): NestedBlockSchema {
  const caps = capabilityTable[platform];
  const credentials: Record<string, AttributeSchema> = Object.fromEntries(
    caps.credentialKeys.map((key) => {
      const attribute = snakeCase(key);
      return [attribute, { type: 'string', optional: true, sensitive: true, description: `${platform} credential \`${key}\`; defaults to the environment variable \`${envName(platform, attribute)}\`.` }];
    }),
  );
  return {
    nesting: 'single',
    block: {
      description: `How to reach the ${platform} token API.`,
      attributes: {
        ...credentials,
        base_url: {
          type: 'string',
          optional: true,
          description: `Override of the API base URL (e.g. the sandbox's); defaults to \`${envName(platform, 'base_url')}\`, then ${caps.defaultBaseUrl}.`,
        },
        requests_per_second: {
          type: 'number',
          optional: true,
          description: `Client-side request rate toward ${platform}; defaults to the platform's published limit (${caps.defaultRequestsPerSecond}/s).`,
        },
      },
    },
  };
}

/**
 * providerSchema is the provider block: one block per platform (credentials,
 * base URL, rate) and the Kubernetes connection the Secrets are written
 * with. Every platform setting falls back to an SFTOKEN_* environment
 * variable so credentials can stay out of configuration files.
 */
export const providerSchema: BlockSchema = {
  description: 'Short-lived storefront and platform API tokens, delivered to Kubernetes Secrets.',
  attributes: {},
  blocks: {
    ...Object.fromEntries(platformNames.map((p) => [p, platformBlock(p)])),
    kubernetes: {
      nesting: 'single',
      block: {
        description: 'The cluster the token Secrets are written to.',
        attributes: {
          config_path: { type: 'string', optional: true, description: 'Path of the kubeconfig file; defaults to `KUBECONFIG`, then ~/.kube/config.' },
          context: { type: 'string', optional: true, description: 'Kubeconfig context to use; defaults to the current context.' },
        },
      },
    },
  },
};
