import type { ApplyResult } from '../framework/resource.js';
import { decodeObject, encodeObject } from './dynamic-value.js';
import { diagnosticsToProto, unexpectedErrorDiagnostic } from './diagnostics-to-proto.js';
import { lookupConfigured } from './lookup.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic, WireDynamicValue } from './wire.js';

/** ApplyResourceChangeRequest carries one planned change. */
export interface ApplyResourceChangeRequest {
  readonly type_name: string;
  readonly prior_state: WireDynamicValue | null;
  readonly planned_state: WireDynamicValue | null;
  readonly config: WireDynamicValue | null;
  readonly planned_private: Uint8Array;
}

/** ApplyResourceChangeResponse is the new state; planned private bytes are stored with it. */
export interface ApplyResourceChangeResponse {
  readonly new_state?: WireDynamicValue;
  readonly private: Uint8Array;
  readonly diagnostics: WireDiagnostic[];
}

/**
 * applyResourceChange dispatches like terraform-plugin-framework: a null
 * prior state is a create, a null planned state is a delete, anything else
 * is an update. If the resource throws, the state Terraform keeps is the one
 * that is still true: nothing after a failed create, the prior state after a
 * failed update or delete.
 */
export async function applyResourceChange<Ctx>(
  state: ServerState<Ctx>,
  request: ApplyResourceChangeRequest,
): Promise<ApplyResourceChangeResponse> {
  const privateBytes = request.planned_private;
  const found = lookupConfigured(state, request.type_name);
  if (!found.ok) return { new_state: request.prior_state ?? {}, private: privateBytes, diagnostics: diagnosticsToProto(found.diagnostics) };
  const { resource, context } = found;
  const block = resource.schema.block;
  const prior = decodeObject(request.prior_state, block);
  const planned = decodeObject(request.planned_state, block);
  const config = decodeObject(request.config, block);
  const signal = state.stop.signal;
  let result: ApplyResult;
  try {
    if (prior === null && planned !== null) {
      result = await resource.create({ prior, planned, config: config ?? {}, context, signal });
    } else if (prior !== null && planned === null) {
      result = await resource.delete({ prior, planned, config, context, signal });
    } else if (prior !== null && planned !== null) {
      result = await resource.update({ prior, planned, config: config ?? {}, context, signal });
    } else {
      result = { state: null };
    }
  } catch (error) {
    state.log.log('error', 'apply failed', { type_name: request.type_name, error: error instanceof Error ? error.message : 'unknown' });
    result = { state: prior, diagnostics: [unexpectedErrorDiagnostic('ApplyResourceChange', error)] };
  }
  return {
    new_state: encodeObject(result.state, block),
    private: privateBytes,
    diagnostics: diagnosticsToProto(result.diagnostics ?? []),
  };
}
