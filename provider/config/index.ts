export { providerSchema, envName } from './schema.js';
export { configureProvider, validateProviderConfig, connectionOf } from './configure.js';
export { ProviderContext } from './context.js';
export { KubeSecretStore } from './kube-secret-store.js';
export type { SecretStore, SecretRef, StoredSecret } from './secret-store.js';
