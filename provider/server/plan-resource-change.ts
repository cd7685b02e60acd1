import { defaultPlan } from '../framework/default-plan.js';
import { decodeObject, encodeObject } from './dynamic-value.js';
import { diagnosticsToProto, pathToProto } from './diagnostics-to-proto.js';
import { lookupConfigured } from './lookup.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic, WireDynamicValue, WireStep } from './wire.js';

/** PlanResourceChangeRequest is Terraform's proposal for one resource. */
export interface PlanResourceChangeRequest {
  readonly type_name: string;
  readonly prior_state: WireDynamicValue | null;
  readonly proposed_new_state: WireDynamicValue | null;
  readonly config: WireDynamicValue | null;
  readonly prior_private: Uint8Array;
}

/** PlanResourceChangeResponse is the planned state and what forces replacement. */
export interface PlanResourceChangeResponse {
  readonly planned_state?: WireDynamicValue;
  readonly requires_replace: { readonly steps: WireStep[] }[];
  readonly planned_private: Uint8Array;
  readonly diagnostics: WireDiagnostic[];
}

/**
 * planResourceChange plans a create or update with the resource's `plan`
 * (or `defaultPlan`). A null proposal is a destroy: the plan is null.
 */
export async function planResourceChange<Ctx>(
  state: ServerState<Ctx>,
  request: PlanResourceChangeRequest,
): Promise<PlanResourceChangeResponse> {
  const privateBytes = request.prior_private;
  const found = lookupConfigured(state, request.type_name);
  if (!found.ok) return { requires_replace: [], planned_private: privateBytes, diagnostics: diagnosticsToProto(found.diagnostics) };
  const { resource, context } = found;
  const block = resource.schema.block;
  const prior = decodeObject(request.prior_state, block);
  const proposed = decodeObject(request.proposed_new_state, block);
  if (proposed === null) {
    return { planned_state: encodeObject(null, block), requires_replace: [], planned_private: privateBytes, diagnostics: [] };
  }
  const config = decodeObject(request.config, block) ?? {};
  const result =
    resource.plan === undefined
      ? defaultPlan(resource.schema, { prior, proposed, config })
      : await resource.plan({ prior, proposed, config, context });
  return {
    planned_state: encodeObject(result.planned, block),
    requires_replace: (result.requiresReplace ?? []).map((path) => ({ steps: pathToProto(path) })),
    planned_private: privateBytes,
    diagnostics: diagnosticsToProto(result.diagnostics ?? []),
  };
}
