import type { Logger } from '../plugin/logger.js';
import type { EphemeralResourceDefinition } from '../framework/ephemeral.js';
import type { ProviderDefinition } from '../framework/provider.js';
import type { ResourceDefinition } from '../framework/resource.js';

/**
 * ServerState is what one provider process remembers between RPCs: the
 * definition, the context from ConfigureProvider, the stop signal and the
 * RPCs in flight.
 * Terraform starts a fresh process per phase, so nothing else is kept.
 */
export interface ServerState<Ctx> {
  /** definition being served. */
  readonly definition: ProviderDefinition<Ctx>;
  /** resources by full type name. */
  readonly resources: ReadonlyMap<string, ResourceDefinition<Ctx>>;
  /** ephemeralResources by full type name. */
  readonly ephemeralResources: ReadonlyMap<string, EphemeralResourceDefinition<Ctx>>;
  /** configured holds the context once ConfigureProvider succeeded. */
  configured: { readonly context: Ctx } | undefined;
  /** stop aborts in-flight resource calls when StopProvider arrives. */
  readonly stop: AbortController;
  /** inFlight holds every RPC being served, so a provider whose engine died can let them finish. */
  readonly inFlight: Set<Promise<unknown>>;
  /** log writes to stderr. */
  readonly log: Logger;
}

/** newServerState indexes a definition's resources and ephemeral resources for the handlers. */
export function newServerState<Ctx>(definition: ProviderDefinition<Ctx>, log: Logger): ServerState<Ctx> {
  return {
    definition,
    resources: new Map(definition.resources.map((r) => [r.typeName, r])),
    ephemeralResources: new Map((definition.ephemeralResources ?? []).map((r) => [r.typeName, r])),
    configured: undefined,
    stop: new AbortController(),
    inFlight: new Set(),
    log,
  };
}
