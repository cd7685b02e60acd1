// The CDKTF example app (the archived line; new projects: examples/cdktn).
// `npx cdktf deploy` in this directory synthesizes and applies it;
// `npx tsx examples/cdktf/main.ts` only synthesizes. Knobs: see appSettings
// in examples/cdktn/tokens.ts.
import { App, LocalBackend } from 'cdktf';
import { appSettings } from '../cdktn/tokens.js';
import { StorefrontTokensStack } from './stack.js';

const settings = appSettings(process.env, new URL('.', import.meta.url));
const app = new App({ outdir: settings.outdir });
const stack = new StorefrontTokensStack(app, 'storefront-tokens', settings.props);
if (settings.statePath !== undefined) new LocalBackend(stack, { path: settings.statePath });
app.synth();
