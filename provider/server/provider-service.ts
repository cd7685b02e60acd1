import type * as grpc from '@grpc/grpc-js';
import { applyResourceChange } from './apply-resource-change.js';
import { closeEphemeralResource } from './close-ephemeral-resource.js';
import { configureProvider } from './configure-provider.js';
import { diagnosticsToProto, unexpectedErrorDiagnostic } from './diagnostics-to-proto.js';
import { getMetadata } from './get-metadata.js';
import { getProviderSchema } from './get-provider-schema.js';
import { importResourceState } from './import-resource-state.js';
import { openEphemeralResource } from './open-ephemeral-resource.js';
import { getFunctions, moveResourceState, readDataSource, validateDataResourceConfig } from './not-implemented.js';
import { planResourceChange } from './plan-resource-change.js';
import { readResource } from './read-resource.js';
import { renewEphemeralResource } from './renew-ephemeral-resource.js';
import type { ServerState } from './state.js';
import { stopProvider } from './stop-provider.js';
import { upgradeResourceState } from './upgrade-resource-state.js';
import { validateEphemeralResourceConfig } from './validate-ephemeral-resource-config.js';
import { validateProviderConfig } from './validate-provider-config.js';
import { validateResourceConfig } from './validate-resource-config.js';

// The handlers declare the request fields they read; proto-loader hands us
// the whole decoded message, so the table is typed loosely at this one seam.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- requests are proto-loader objects checked by each handler's own parameter type
type Handler<Ctx> = (state: ServerState<Ctx>, request: any) => Promise<object>;

/** rpcHandlers maps each tfplugin6.Provider method to its handler. */
export function rpcHandlers<Ctx>(): Readonly<Record<string, Handler<Ctx>>> {
  return {
    GetMetadata: getMetadata,
    GetProviderSchema: getProviderSchema,
    ValidateProviderConfig: validateProviderConfig,
    ValidateResourceConfig: validateResourceConfig,
    ValidateDataResourceConfig: validateDataResourceConfig,
    UpgradeResourceState: upgradeResourceState,
    ConfigureProvider: configureProvider,
    ReadResource: readResource,
    PlanResourceChange: planResourceChange,
    ApplyResourceChange: applyResourceChange,
    ImportResourceState: importResourceState,
    MoveResourceState: moveResourceState,
    ReadDataSource: readDataSource,
    ValidateEphemeralResourceConfig: validateEphemeralResourceConfig,
    OpenEphemeralResource: openEphemeralResource,
    RenewEphemeralResource: renewEphemeralResource,
    CloseEphemeralResource: closeEphemeralResource,
    GetFunctions: getFunctions,
    StopProvider: stopProvider,
  };
}

/**
 * providerService adapts the handlers to grpc-js unary callbacks. A thrown
 * error becomes an "Unexpected Provider Error" diagnostic instead of a gRPC
 * status, which Terraform would show as an opaque "Plugin error".
 */
export function providerService<Ctx>(state: ServerState<Ctx>): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(rpcHandlers<Ctx>())) {
    implementation[name] = (call: grpc.ServerUnaryCall<unknown, object>, callback: grpc.sendUnaryData<object>) => {
      const started = performance.now();
      const work = handler(state, call.request)
        .catch((error: unknown) => {
          state.log.log('error', `${name} threw`, { error: error instanceof Error ? error.message : 'unknown' });
          return { diagnostics: diagnosticsToProto([unexpectedErrorDiagnostic(name, error)]) };
        })
        .then((response) => {
          state.log.log('trace', `${name} done`, { rpc: name, ms: Math.round(performance.now() - started) });
          callback(null, response);
        })
        .catch((error: unknown) => {
          state.log.log('error', `${name} response could not be sent`, { error: error instanceof Error ? error.message : 'unknown' });
        })
        .finally(() => state.inFlight.delete(work));
      state.inFlight.add(work);
    };
  }
  return implementation;
}
