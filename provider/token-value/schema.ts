import type { ResourceSchema } from '../framework/schema.js';

/** TYPE_NAME is the ephemeral resource type; CDKTF derives the class name from it. */
export const TYPE_NAME = 'sftoken_token_value';

/** DEFAULT_KEY is the data key a token is delivered under unless `secret.keys.token` says otherwise. */
export const DEFAULT_KEY = 'token';
/** DEFAULT_EXPIRES_AT_KEY is the data key of the expiry unless `secret.keys.expires_at` says otherwise. */
export const DEFAULT_EXPIRES_AT_KEY = 'expiresAt';

/**
 * tokenValueSchema is `sftoken_token_value`: which Secret to open (and,
 * optionally, which managed token must have delivered it) and what it
 * holds. Nothing here is ever stored: engines keep ephemeral values out of
 * plan and state, so `value` can feed a provider block or a write-only
 * attribute without landing anywhere.
 */
export const tokenValueSchema: ResourceSchema = {
  version: 0,
  block: {
    description:
      'The current value of a token delivered to a Kubernetes Secret (by `sftoken_storefront_token` or the operator), read from that Secret, never from the platform. Ephemeral: Terraform and OpenTofu never write it to plan or state. Use it for provider configuration and write-only attributes.',
    attributes: {
      name: { type: 'string', required: true, description: 'Name of the Secret the token is delivered to (`sftoken_storefront_token.<x>.secret.name`).' },
      namespace: {
        type: 'string',
        optional: true,
        computed: true,
        description: 'Namespace of the Secret; defaults to the namespace of the provider\'s kubeconfig context, as for `sftoken_storefront_token`.',
      },
      key: { type: 'string', optional: true, computed: true, description: `Data key holding the value (\`secret.keys.token\` of the token); defaults to \`${DEFAULT_KEY}\`.` },
      expires_at_key: {
        type: 'string',
        optional: true,
        computed: true,
        description: `Data key holding the expiry (\`secret.keys.expires_at\` of the token); defaults to \`${DEFAULT_EXPIRES_AT_KEY}\`.`,
      },
      storefront_token_id: {
        type: 'string',
        optional: true,
        description:
          'The `id` of the `sftoken_storefront_token` that delivers the Secret. Set it: the value is then opened only after that token is issued and delivered (it is unknown while the token is being created, so the engine waits), and a Secret delivered by anything else is refused.',
      },
      value: { type: 'string', computed: true, sensitive: true, description: 'The token value. Ephemeral: never in plan or state.' },
      fingerprint: { type: 'string', computed: true, description: 'First 12 hex digits of the SHA-256 of the value (the token\'s `fingerprint`); never the value.' },
      expires_at: { type: 'string', computed: true, description: 'When the token expires (RFC 3339); null when it never expires or the Secret does not say.' },
    },
  },
};
