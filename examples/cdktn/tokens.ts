// The example's tokens as plain configuration, shared by the CDK Terrain app
// (here) and the CDKTF app (examples/cdktf): both lines' bindings are
// generated from the same schema, so the same objects fit either
// StorefrontToken. No import of cdktn or cdktf on purpose.

/** StorefrontTokensProps are the example's knobs; the defaults are the sandbox's fixed ids. */
export interface StorefrontTokensProps {
  /** kubeconfig of the cluster that receives the Secrets. */
  readonly kubeconfig: string;
  /** namespace of the Secrets. @default "default" */
  readonly namespace?: string;
  /** origins of the storefront: changing them rotates the BigCommerce token and updates Avvyr's in place. @default ["https://shop.example.test"] */
  readonly origins?: readonly string[];
  /** revokeWizcommerce revokes the WizCommerce token (one way). @default false */
  readonly revokeWizcommerce?: boolean;
  /** sandbox ids (store hash, Cloudflare account and permission group, WizCommerce email, Avvyr tenant). */
  readonly ids?: Partial<typeof SANDBOX_IDS>;
}

/** SANDBOX_IDS are the embedded sandbox's fixed ids (docs/sandbox.md). */
export const SANDBOX_IDS = {
  storeHash: 'sbx7k2m9qa',
  cloudflareAccountId: 'a5c1e0d4b7f24c3e9d8a6b2f1e0c9d7a',
  cloudflarePermissionGroup: '6f7dc1aa798e6c8e0ddf671c48386a3c',
  wizcommerceEmail: 'admin@sandbox.wizcommerce.test',
  avvyrTenantId: 'tnt_sandbox',
} as const;

/**
 * storefrontTokens is the twin of examples/terraform: the provider
 * configuration and one token per platform, each delivered to its own
 * Secret. Platform credentials and base URLs come from SFTOKEN_* environment
 * variables at plan time, not from here.
 */
export function storefrontTokens(props: StorefrontTokensProps) {
  const ids = { ...SANDBOX_IDS, ...props.ids };
  const namespace = props.namespace ?? 'default';
  const origins = [...(props.origins ?? ['https://shop.example.test'])];
  return {
    provider: { kubernetes: { configPath: props.kubeconfig } },
    tokens: {
      bigcommerce: {
        platform: 'bigcommerce',
        bigcommerce: { storeHash: ids.storeHash, channelIds: [1], allowedCorsOrigins: origins },
        lifetime: { ttl: '720h' },
        rotation: { overlap: '10m' },
        secret: { name: 'storefront-bigcommerce', namespace, labels: { app: 'storefront' } },
      },
      cloudflare: {
        platform: 'cloudflare',
        displayName: 'storefront edge cache purge',
        cloudflare: {
          accountId: ids.cloudflareAccountId,
          policies: [{ permissionGroups: [ids.cloudflarePermissionGroup], resources: { [`com.cloudflare.api.account.${ids.cloudflareAccountId}`]: '*' } }],
        },
        lifetime: { ttl: '2160h' },
        secret: { name: 'storefront-cloudflare', namespace },
      },
      wizcommerce: {
        platform: 'wizcommerce',
        wizcommerce: { accountEmail: ids.wizcommerceEmail },
        revoked: props.revokeWizcommerce ?? false,
        secret: { name: 'storefront-wizcommerce', namespace, onRevoke: 'Delete' },
      },
      avvyr: {
        platform: 'avvyr',
        avvyr: { tenantId: ids.avvyrTenantId, allowedOrigins: origins },
        deletionPolicy: 'Revoke',
        secret: { name: 'storefront-avvyr', namespace, keys: { token: 'AVVYR_STOREFRONT_TOKEN' } },
      },
    },
  };
}

/** AppSettings is what an example app reads from its environment. */
export interface AppSettings {
  /** outdir of the synthesized stacks. */
  readonly outdir: string;
  /** statePath, when set, is the local state file (a LocalBackend). */
  readonly statePath?: string;
  readonly props: StorefrontTokensProps;
}

/**
 * appSettings reads the knobs both apps share: SFTOKEN_EXAMPLE_KUBECONFIG
 * (default KUBECONFIG), SFTOKEN_EXAMPLE_NAMESPACE, SFTOKEN_EXAMPLE_ORIGINS (comma-separated: an origin
 * change), SFTOKEN_EXAMPLE_REVOKE=1 (revoke WizCommerce),
 * SFTOKEN_EXAMPLE_STATE (state outside the source tree) and
 * SFTOKEN_EXAMPLE_OUT. The outdir otherwise follows `cdktf/cdktn --output`
 * (CDKTF_OUTDIR), else `<example>/cdktf.out`.
 */
export function appSettings(env: NodeJS.ProcessEnv, exampleDir: URL): AppSettings {
  const origins = env['SFTOKEN_EXAMPLE_ORIGINS'];
  const statePath = env['SFTOKEN_EXAMPLE_STATE'];
  const namespace = env['SFTOKEN_EXAMPLE_NAMESPACE'];
  return {
    outdir: env['SFTOKEN_EXAMPLE_OUT'] ?? env['CDKTF_OUTDIR'] ?? new URL('cdktf.out', exampleDir).pathname,
    ...(statePath === undefined ? {} : { statePath }),
    props: {
      kubeconfig: env['SFTOKEN_EXAMPLE_KUBECONFIG'] ?? env['KUBECONFIG'] ?? `${env['HOME'] ?? ''}/.kube/config`,
      ...(namespace === undefined ? {} : { namespace }),
      ...(origins === undefined ? {} : { origins: origins.split(',') }),
      revokeWizcommerce: env['SFTOKEN_EXAMPLE_REVOKE'] === '1',
    },
  };
}
