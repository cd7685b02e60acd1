import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { lookupConfiguredEphemeral } from './lookup.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic } from './wire.js';

/** closeEphemeralResource releases an opened value when the engine no longer needs it. */
export async function closeEphemeralResource<Ctx>(
  state: ServerState<Ctx>,
  request: { readonly type_name: string; readonly private?: Uint8Array | null },
): Promise<{ diagnostics: WireDiagnostic[] }> {
  const found = lookupConfiguredEphemeral(state, request.type_name);
  if (!found.ok) return { diagnostics: diagnosticsToProto(found.diagnostics) };
  const { resource, context } = found;
  const closed = await resource.close?.({ private: request.private ?? new Uint8Array(0), context, signal: state.stop.signal });
  return { diagnostics: diagnosticsToProto(closed?.diagnostics ?? []) };
}
