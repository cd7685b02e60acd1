export * from './framework/index.js';
export { servePlugin, runPluginMain } from './plugin/serve.js';
export type { ServeOptions, RunningPlugin } from './plugin/serve.js';
export { buildProvider } from './build.js';
export type { BuildOptions, BuiltProvider } from './build.js';
export { installProvider, PROVIDER_NAMESPACE, PROVIDER_TYPE, REGISTRY_HOSTS } from './install.js';
export type { InstallOptions, InstalledProvider } from './install.js';
export { ProviderError, isProviderError } from './errors.js';
export type { ProviderErrorCode } from './errors.js';
