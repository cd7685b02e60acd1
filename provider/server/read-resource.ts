import { decodeObject, encodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { lookupConfigured } from './lookup.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic, WireDynamicValue } from './wire.js';

/** ReadResourceRequest is a refresh of one stored resource. */
export interface ReadResourceRequest {
  readonly type_name: string;
  readonly current_state: WireDynamicValue | null;
  readonly private: Uint8Array;
}

/** ReadResourceResponse is the refreshed state; private bytes are echoed back. */
export interface ReadResourceResponse {
  readonly new_state?: WireDynamicValue;
  readonly diagnostics: WireDiagnostic[];
  readonly private: Uint8Array;
}

/** readResource refreshes one resource; a null result drops it from state so it is planned again. */
export async function readResource<Ctx>(state: ServerState<Ctx>, request: ReadResourceRequest): Promise<ReadResourceResponse> {
  const found = lookupConfigured(state, request.type_name);
  if (!found.ok) return { new_state: request.current_state ?? {}, diagnostics: diagnosticsToProto(found.diagnostics), private: request.private };
  const { resource, context } = found;
  const current = decodeObject(request.current_state, resource.schema.block);
  if (current === null) return { new_state: encodeObject(null, resource.schema.block), diagnostics: [], private: request.private };
  const result = await resource.read({ state: current, context, signal: state.stop.signal });
  return {
    new_state: encodeObject(result.state, resource.schema.block),
    diagnostics: diagnosticsToProto(result.diagnostics ?? []),
    private: request.private,
  };
}
