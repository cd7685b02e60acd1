export * from './framework/index.js';
export { servePlugin, runPluginMain } from './plugin/serve.js';
export type { ServeOptions, RunningPlugin } from './plugin/serve.js';
export { buildProvider } from './tooling/build.js';
export type { BuildOptions, BuiltProvider } from './tooling/build.js';
export { installProvider, PROVIDER_NAMESPACE, PROVIDER_TYPE, REGISTRY_HOSTS } from './tooling/install.js';
export type { InstallOptions, InstalledProvider } from './tooling/install.js';
export { ProviderError, isProviderError } from './errors.js';
export type { ProviderErrorCode } from './errors.js';
