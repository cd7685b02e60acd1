import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { SftokenProvider, StorefrontToken } from '../../bindings/cdktf/index.js';
import { storefrontTokens, type StorefrontTokensProps } from '../cdktn/tokens.js';

/**
 * StorefrontTokensStack is the CDKTF twin of examples/terraform, with the
 * same tokens as the CDK Terrain example (examples/cdktn/tokens.ts): one per
 * platform, each in its own Secret, fingerprints as outputs.
 */
export class StorefrontTokensStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: StorefrontTokensProps) {
    super(scope, id);
    const { provider, tokens } = storefrontTokens(props);
    new SftokenProvider(this, 'sftoken', provider);
    for (const [name, config] of Object.entries(tokens)) {
      const token = new StorefrontToken(this, name, config);
      new TerraformOutput(this, `${name}_fingerprint`, { value: token.fingerprint, description: `Which ${name} token the Secret holds, without revealing it.` });
    }
  }
}
