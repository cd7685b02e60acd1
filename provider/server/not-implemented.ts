import { errorDiagnostic } from '../framework/diagnostic.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic } from './wire.js';

/*
 * The RPCs of a capability this provider does not have live together here
 * (terraform-plugin-go's primes example does the same). They answer with a
 * diagnostic naming the missing capability rather than a gRPC error, because
 * Terraform reports protocol-level errors through diagnostics. RPCs absent
 * from our .proto (function calls, identity) answer gRPC UNIMPLEMENTED,
 * which newer engines tolerate for identity.
 */

/** validateDataResourceConfig: this provider has no data sources. */
export function validateDataResourceConfig<Ctx>(
  state: ServerState<Ctx>,
  request: { readonly type_name: string },
): Promise<{ diagnostics: WireDiagnostic[] }> {
  return Promise.resolve({ diagnostics: noDataSource(state, request.type_name) });
}

/** readDataSource: this provider has no data sources. */
export function readDataSource<Ctx>(
  state: ServerState<Ctx>,
  request: { readonly type_name: string },
): Promise<{ diagnostics: WireDiagnostic[] }> {
  return Promise.resolve({ diagnostics: noDataSource(state, request.type_name) });
}

/** moveResourceState: `moved {}` between resource types is not supported. */
export function moveResourceState<Ctx>(
  state: ServerState<Ctx>,
  request: { readonly source_type_name: string; readonly target_type_name: string },
): Promise<{ diagnostics: WireDiagnostic[] }> {
  return Promise.resolve({
    diagnostics: diagnosticsToProto([
      errorDiagnostic(
        'Move Resource State Not Supported',
        `The provider "${state.definition.name}" cannot move state from "${request.source_type_name}" to "${request.target_type_name}".`,
      ),
    ]),
  });
}

/** getFunctions: the provider defines no functions. */
export function getFunctions(): Promise<{ diagnostics: WireDiagnostic[] }> {
  return Promise.resolve({ diagnostics: [] });
}

function noDataSource<Ctx>(state: ServerState<Ctx>, typeName: string): WireDiagnostic[] {
  return diagnosticsToProto([
    errorDiagnostic('Data Sources Not Supported', `The provider "${state.definition.name}" has no data source "${typeName}".`),
  ]);
}
