// The CDK Terrain example app. `npx cdktn deploy` in this directory
// synthesizes and applies it; `npx tsx examples/cdktn/main.ts` only
// synthesizes. Knobs: see appSettings in ./tokens.ts.
import { App, LocalBackend } from 'cdktn';
import { StorefrontTokensStack } from './stack.js';
import { appSettings } from './tokens.js';

const settings = appSettings(process.env, new URL('.', import.meta.url));
const app = new App({ outdir: settings.outdir });
const stack = new StorefrontTokensStack(app, 'storefront-tokens', settings.props);
if (settings.statePath !== undefined) new LocalBackend(stack, { path: settings.statePath });
app.synth();
