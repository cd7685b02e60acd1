import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { SftokenProvider, StorefrontToken } from '../../bindings/cdktf/index.js';

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
 * StorefrontTokensStack is the CDKTF twin of examples/terraform: one token
 * per platform, each delivered to its own Secret. Platform credentials and
 * base URLs come from SFTOKEN_* environment variables at plan time.
 */
export class StorefrontTokensStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: StorefrontTokensProps) {
    super(scope, id);
    const ids = { ...SANDBOX_IDS, ...props.ids };
    const namespace = props.namespace ?? 'default';
    const origins = [...(props.origins ?? ['https://shop.example.test'])];
    new SftokenProvider(this, 'sftoken', { kubernetes: { configPath: props.kubeconfig } });

    const tokens = {
      bigcommerce: new StorefrontToken(this, 'bigcommerce', {
        platform: 'bigcommerce',
        bigcommerce: { storeHash: ids.storeHash, channelIds: [1], allowedCorsOrigins: origins },
        lifetime: { ttl: '720h' },
        rotation: { overlap: '10m' },
        secret: { name: 'storefront-bigcommerce', namespace, labels: { app: 'storefront' } },
      }),
      cloudflare: new StorefrontToken(this, 'cloudflare', {
        platform: 'cloudflare',
        displayName: 'storefront edge cache purge',
        cloudflare: {
          accountId: ids.cloudflareAccountId,
          policies: [{ permissionGroups: [ids.cloudflarePermissionGroup], resources: { [`com.cloudflare.api.account.${ids.cloudflareAccountId}`]: '*' } }],
        },
        lifetime: { ttl: '2160h' },
        secret: { name: 'storefront-cloudflare', namespace },
      }),
      wizcommerce: new StorefrontToken(this, 'wizcommerce', {
        platform: 'wizcommerce',
        wizcommerce: { accountEmail: ids.wizcommerceEmail },
        revoked: props.revokeWizcommerce ?? false,
        secret: { name: 'storefront-wizcommerce', namespace, onRevoke: 'Delete' },
      }),
      avvyr: new StorefrontToken(this, 'avvyr', {
        platform: 'avvyr',
        avvyr: { tenantId: ids.avvyrTenantId, allowedOrigins: origins },
        deletionPolicy: 'Revoke',
        secret: { name: 'storefront-avvyr', namespace, keys: { token: 'AVVYR_STOREFRONT_TOKEN' } },
      }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      new TerraformOutput(this, `${name}_fingerprint`, { value: token.fingerprint, description: `Which ${name} token the Secret holds, without revealing it.` });
    }
  }
}
