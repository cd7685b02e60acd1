import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider } from '../../provider/tooling/build.js';
import { installProvider } from '../../provider/tooling/install.js';
import { resolveEngines } from '../../provider/tooling/engines.js';
import { StorefrontToken } from '../../bindings/cdktf/index.js';
import { StorefrontTokensStack } from './stack.js';

// The CDKTF example synthesized with CDKTF's own testing helpers, and the
// synthesized JSON checked by a real engine (init from our filesystem
// mirror, then validate) through Testing.toBeValidTerraform.

function synth(props: Partial<ConstructorParameters<typeof StorefrontTokensStack>[2]> = {}): string {
  const app = Testing.app();
  const stack = new StorefrontTokensStack(app, 'test', { kubeconfig: '/tmp/kubeconfig', ...props });
  return Testing.synth(stack);
}

describe('examples/cdktf StorefrontTokensStack', () => {
  it.each([
    { reason: 'BigCommerce token with the storefront origins and a TTL', properties: { platform: 'bigcommerce', bigcommerce: { store_hash: 'sbx7k2m9qa', channel_ids: [1], allowed_cors_origins: ['https://shop.example.test'] }, lifetime: { ttl: '720h' } } },
    { reason: 'Cloudflare token with one policy on the account', properties: { platform: 'cloudflare', cloudflare: { account_id: 'a5c1e0d4b7f24c3e9d8a6b2f1e0c9d7a' } } },
    { reason: 'WizCommerce token not revoked by default, Secret deleted on revoke', properties: { platform: 'wizcommerce', revoked: false, secret: { name: 'storefront-wizcommerce', on_revoke: 'Delete' } } },
    { reason: 'Avvyr token with a custom Secret key', properties: { platform: 'avvyr', secret: { keys: { token: 'AVVYR_STOREFRONT_TOKEN' } } } },
  ])('synthesizes the $reason', ({ properties }) => {
    expect(Testing.toHaveResourceWithProperties(synth(), StorefrontToken.tfResourceType, properties)).toBe(true);
  });

  it.each([
    { reason: 'an origin change reaches both tokens with origins', props: { origins: ['https://new.shop.test'] }, properties: { platform: 'avvyr', avvyr: { allowed_origins: ['https://new.shop.test'] } } },
    { reason: 'a revocation sets revoked on the WizCommerce token only', props: { revokeWizcommerce: true }, properties: { platform: 'wizcommerce', revoked: true } },
  ])('synthesizes $reason', ({ props, properties }) => {
    expect(Testing.toHaveResourceWithProperties(synth(props), StorefrontToken.tfResourceType, properties)).toBe(true);
  });

  it('fails the property check for a setting the stack does not have', () => {
    expect(Testing.toHaveResourceWithProperties(synth(), StorefrontToken.tfResourceType, { platform: 'bigcommerce', revoked: true })).toBe(false);
  });

  describe('valid Terraform', () => {
    let root: string;
    const saved = { config: process.env['TF_CLI_CONFIG_FILE'], binary: process.env['TERRAFORM_BINARY_NAME'] };
    beforeAll(async () => {
      const [engine] = (await resolveEngines()).engines;
      if (engine === undefined) throw new Error('no terraform or tofu to validate the synthesized stack with');
      root = join(Testing.app().outdir, '..', 'sftoken-cdktf-provider');
      const built = await buildProvider({ outDir: join(root, 'build') });
      process.env['TF_CLI_CONFIG_FILE'] = installProvider({ built, root: join(root, 'install') }).cliConfigPath;
      process.env['TERRAFORM_BINARY_NAME'] = engine.binary;
    });
    afterAll(() => {
      for (const [key, value] of [['TF_CLI_CONFIG_FILE', saved.config], ['TERRAFORM_BINARY_NAME', saved.binary]] as const) {
        if (value === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = value;
      }
      rmSync(root, { recursive: true, force: true });
    });

    it('passes init and validate with the provider from the filesystem mirror', () => {
      const app = Testing.app();
      const stack = new StorefrontTokensStack(app, 'valid', { kubeconfig: '/tmp/kubeconfig', origins: ['https://new.shop.test'], revokeWizcommerce: true });
      expect(Testing.toBeValidTerraform(Testing.fullSynth(stack))).toBe(true);
    });

    it('fails validate when a token breaks a shared-schema rule (the provider really runs)', () => {
      const app = Testing.app();
      const stack = new StorefrontTokensStack(app, 'invalid', { kubeconfig: '/tmp/kubeconfig', origins: ['https://a.test/'] });
      expect(Testing.toBeValidTerraform(Testing.fullSynth(stack))).toBe(false);
    });
  });
});
