// The CDKTF example app: `npx tsx examples/cdktf/main.ts` synthesizes into
// examples/cdktf/cdktf.out (then run terraform in cdktf.out/stacks/storefront-tokens).
// Knobs: SFTOKEN_EXAMPLE_KUBECONFIG (default KUBECONFIG), SFTOKEN_EXAMPLE_ORIGINS
// (comma-separated: try an origin change), SFTOKEN_EXAMPLE_REVOKE=1 (revoke WizCommerce).
import { App } from 'cdktf';
import { StorefrontTokensStack } from './stack.js';

const env = process.env;
const app = new App({ outdir: new URL('./cdktf.out', import.meta.url).pathname });
new StorefrontTokensStack(app, 'storefront-tokens', {
  kubeconfig: env['SFTOKEN_EXAMPLE_KUBECONFIG'] ?? env['KUBECONFIG'] ?? `${env['HOME'] ?? ''}/.kube/config`,
  ...(env['SFTOKEN_EXAMPLE_ORIGINS'] === undefined ? {} : { origins: env['SFTOKEN_EXAMPLE_ORIGINS'].split(',') }),
  revokeWizcommerce: env['SFTOKEN_EXAMPLE_REVOKE'] === '1',
});
app.synth();
