import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { lookupConfiguredEphemeral } from './lookup.js';
import type { ServerState } from './state.js';
import { toWireTimestamp } from './wire.js';
import type { WireDiagnostic, WireTimestamp } from './wire.js';

/** RenewEphemeralResourceRequest carries the private bytes of an opened value. */
export interface RenewEphemeralResourceRequest {
  readonly type_name: string;
  readonly private?: Uint8Array | null;
}

/** RenewEphemeralResourceResponse says when to renew next; no renew_at means never. */
export interface RenewEphemeralResourceResponse {
  readonly diagnostics: WireDiagnostic[];
  readonly renew_at?: WireTimestamp;
  readonly private?: Uint8Array;
}

/**
 * renewEphemeralResource runs when an open (or the last renew) asked for it
 * and the run is still going. The value itself cannot change after open;
 * renew can only keep it alive or warn about it.
 */
export async function renewEphemeralResource<Ctx>(state: ServerState<Ctx>, request: RenewEphemeralResourceRequest): Promise<RenewEphemeralResourceResponse> {
  const found = lookupConfiguredEphemeral(state, request.type_name);
  if (!found.ok) return { diagnostics: diagnosticsToProto(found.diagnostics) };
  const { resource, context } = found;
  if (resource.renew === undefined) return { diagnostics: [] };
  const renewed = await resource.renew({ private: request.private ?? new Uint8Array(0), context, signal: state.stop.signal });
  return {
    diagnostics: diagnosticsToProto(renewed.diagnostics ?? []),
    ...(renewed.renewAt === undefined ? {} : { renew_at: toWireTimestamp(renewed.renewAt) }),
    ...(renewed.private === undefined ? {} : { private: renewed.private }),
  };
}
