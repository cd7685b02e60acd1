import { errorDiagnostic } from '../framework/diagnostic.js';
import { encodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { lookupConfigured } from './lookup.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic, WireDynamicValue } from './wire.js';

/** ImportResourceStateResponse holds the imported resource (Terraform then calls ReadResource). */
export interface ImportResourceStateResponse {
  readonly imported_resources: { readonly type_name: string; readonly state: WireDynamicValue; readonly private: Uint8Array }[];
  readonly diagnostics: WireDiagnostic[];
}

/** importResourceState turns an import id into a starting state with the resource's `importState`. */
export async function importResourceState<Ctx>(
  state: ServerState<Ctx>,
  request: { readonly type_name: string; readonly id: string },
): Promise<ImportResourceStateResponse> {
  const found = lookupConfigured(state, request.type_name);
  if (!found.ok) return { imported_resources: [], diagnostics: diagnosticsToProto(found.diagnostics) };
  const { resource, context } = found;
  if (resource.importState === undefined) {
    return {
      imported_resources: [],
      diagnostics: diagnosticsToProto([
        errorDiagnostic('Import Not Supported', `Resources of type "${request.type_name}" cannot be imported; create them with Terraform instead.`),
      ]),
    };
  }
  const result = await resource.importState({ id: request.id, context, signal: state.stop.signal });
  const imported =
    result.state === null
      ? []
      : [{ type_name: request.type_name, state: encodeObject(result.state, resource.schema.block), private: new Uint8Array(0) }];
  return { imported_resources: imported, diagnostics: diagnosticsToProto(result.diagnostics ?? []) };
}
