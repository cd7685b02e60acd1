import { errorDiagnostic } from '../framework/diagnostic.js';
import type { Diagnostic } from '../framework/diagnostic.js';
import type { OpenResult } from '../framework/ephemeral.js';
import { isWhollyKnown } from '../framework/value.js';
import type { ObjectValue } from '../framework/value.js';
import { decodeObject, encodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { lookupConfiguredEphemeral } from './lookup.js';
import type { ServerState } from './state.js';
import { toWireTimestamp } from './wire.js';
import type { WireDiagnostic, WireDynamicValue, WireTimestamp } from './wire.js';

/** OpenEphemeralResourceRequest asks for an ephemeral value; deferral is allowed only when the engine says so. */
export interface OpenEphemeralResourceRequest {
  readonly type_name: string;
  readonly config: WireDynamicValue | null;
  readonly client_capabilities: { readonly deferral_allowed?: boolean } | null;
}

/** OpenEphemeralResourceResponse is the value (never stored by the engine), a deferral, or diagnostics. */
export interface OpenEphemeralResourceResponse {
  readonly diagnostics: WireDiagnostic[];
  readonly result?: WireDynamicValue;
  readonly renew_at?: WireTimestamp;
  readonly private?: Uint8Array;
  readonly deferred?: { readonly reason: string };
}

// Protocol rules a definition can break; reported as its bug rather than sent on.
function broken(summary: string, detail: string): Diagnostic {
  return errorDiagnostic(summary, `${detail}\n\nThis is a bug in the provider; please report it to the provider developers.`);
}

function answer(opened: OpenResult, deferralAllowed: boolean, encode: (value: ObjectValue) => WireDynamicValue): OpenEphemeralResourceResponse {
  const diagnostics = [...(opened.diagnostics ?? [])];
  if ('deferred' in opened) {
    // The protocol forbids a deferral the engine did not offer to accept.
    if (!deferralAllowed) return { diagnostics: diagnosticsToProto([...diagnostics, broken('Deferral Not Allowed', 'The ephemeral resource asked to be opened later, but this engine does not accept deferrals.')]) };
    return { diagnostics: diagnosticsToProto(diagnostics), deferred: { reason: opened.deferred.toUpperCase() } };
  }
  if (opened.result === null) return { diagnostics: diagnosticsToProto(diagnostics) };
  if (!isWhollyKnown(opened.result)) return { diagnostics: diagnosticsToProto([...diagnostics, broken('Ephemeral Value Not Known', 'An opened ephemeral resource must be wholly known.')]) };
  return {
    diagnostics: diagnosticsToProto(diagnostics),
    result: encode(opened.result),
    ...(opened.renewAt === undefined ? {} : { renew_at: toWireTimestamp(opened.renewAt) }),
    ...(opened.private === undefined ? {} : { private: opened.private }),
  };
}

/**
 * openEphemeralResource opens an ephemeral value for the engine. Engines do
 * not write it to plan or state; this handler does not log it either. Open
 * runs in plan and apply alike, and a deferral is passed on only when the
 * request's client capabilities allow one (OpenTofu 1.11 always does,
 * Terraform 1.11 only under -allow-deferral).
 */
export async function openEphemeralResource<Ctx>(state: ServerState<Ctx>, request: OpenEphemeralResourceRequest): Promise<OpenEphemeralResourceResponse> {
  const found = lookupConfiguredEphemeral(state, request.type_name);
  if (!found.ok) return { diagnostics: diagnosticsToProto(found.diagnostics) };
  const { resource, context } = found;
  const block = resource.schema.block;
  const config = decodeObject(request.config, block) ?? {};
  const deferralAllowed = request.client_capabilities?.deferral_allowed === true;
  const opened = await resource.open({ config, context, deferralAllowed, signal: state.stop.signal });
  return answer(opened, deferralAllowed, (value) => encodeObject(value, block));
}
