// The CDKTF example app: `npx tsx examples/cdktf/main.ts` synthesizes into
// examples/cdktf/cdktf.out, or SFTOKEN_EXAMPLE_OUT (then run terraform in <out>/stacks/storefront-tokens).
// Knobs: SFTOKEN_EXAMPLE_KUBECONFIG (default KUBECONFIG), SFTOKEN_EXAMPLE_ORIGINS
// (comma-separated: try an origin change), SFTOKEN_EXAMPLE_REVOKE=1 (revoke WizCommerce).
import { App, LocalBackend } from 'cdktf';
import { StorefrontTokensStack } from './stack.js';

const env = process.env;
const app = new App({ outdir: env['SFTOKEN_EXAMPLE_OUT'] ?? new URL('./cdktf.out', import.meta.url).pathname });
const stack = new StorefrontTokensStack(app, 'storefront-tokens', {
  kubeconfig: env['SFTOKEN_EXAMPLE_KUBECONFIG'] ?? env['KUBECONFIG'] ?? `${env['HOME'] ?? ''}/.kube/config`,
  ...(env['SFTOKEN_EXAMPLE_ORIGINS'] === undefined ? {} : { origins: env['SFTOKEN_EXAMPLE_ORIGINS'].split(',') }),
  revokeWizcommerce: env['SFTOKEN_EXAMPLE_REVOKE'] === '1',
});
// SFTOKEN_EXAMPLE_STATE keeps the state out of the source tree (scripts/example.sh uses a temp dir).
if (env['SFTOKEN_EXAMPLE_STATE'] !== undefined) new LocalBackend(stack, { path: env['SFTOKEN_EXAMPLE_STATE'] });
app.synth();
