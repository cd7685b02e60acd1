import type { ConnectOptions, Connection, PlatformClient } from '../../core/contract/adapter.js';
import { adapterFor } from '../../core/platforms/registry.js';
import { CoreError } from '../../core/errors.js';
import type { PlatformName } from '../../core/schema/platform.js';
import type { SecretStore } from './secret-store.js';

/**
 * ProviderContext is what every resource call receives from configure: the
 * platform connections, the Secret store and the clock. Clients are made on
 * first use and shared by the calls of one process.
 */
export class ProviderContext {
  readonly #connections: Readonly<Partial<Record<PlatformName, Connection>>>;
  readonly #pending: ReadonlySet<PlatformName>;
  readonly #clients = new Map<PlatformName, PlatformClient>();
  readonly #connectOptions: ConnectOptions;
  /** secrets is where token values are delivered. */
  readonly secrets: SecretStore;
  /** now is the clock; injected by tests. */
  readonly now: () => Date;

  constructor(options: {
    readonly connections: Readonly<Partial<Record<PlatformName, Connection>>>;
    /** pending are the platforms whose settings are known only after apply. */
    readonly pending?: ReadonlySet<PlatformName>;
    readonly secrets: SecretStore;
    readonly now?: () => Date;
    readonly connectOptions?: ConnectOptions;
  }) {
    this.#connections = options.connections;
    this.#pending = options.pending ?? new Set();
    this.secrets = options.secrets;
    this.now = options.now ?? (() => new Date());
    this.#connectOptions = options.connectOptions ?? {};
  }

  /** settingsPending tells whether the platform's provider settings are known only after apply. */
  settingsPending(platform: PlatformName): boolean {
    return this.#pending.has(platform);
  }

  /** clientFor returns the platform's client, or throws ERR_CONNECTION_INVALID when the provider block lacks credentials or they are not known yet. */
  clientFor(platform: PlatformName): PlatformClient {
    const cached = this.#clients.get(platform);
    if (cached !== undefined) return cached;
    if (this.#pending.has(platform)) {
      throw new CoreError('ERR_CONNECTION_INVALID', `The provider's ${platform} settings depend on values known only after apply, so nothing can be sent to ${platform} yet`, { platform });
    }
    const connection = this.#connections[platform];
    if (connection === undefined) {
      throw new CoreError('ERR_CONNECTION_INVALID', `No ${platform} connection is configured: add a ${platform} block to the provider, or set its SFTOKEN_${platform.toUpperCase()}_* environment variables`, { platform });
    }
    const client = adapterFor(platform).connect(connection, this.#connectOptions);
    this.#clients.set(platform, client);
    return client;
  }
}
