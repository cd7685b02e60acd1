import { TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import { SftokenProvider, StorefrontToken } from '../../bindings/cdktn/index.js';
import { storefrontTokens, type StorefrontTokensProps } from './tokens.js';

/**
 * StorefrontTokensStack is the CDK Terrain twin of examples/terraform: one
 * token per platform (./tokens.ts), each delivered to its own Secret, and
 * each token's fingerprint as an output.
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
