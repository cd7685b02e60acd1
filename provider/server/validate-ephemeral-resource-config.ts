import { findEphemeralResource } from './lookup.js';
import type { ServerState } from './state.js';
import { validateFound } from './validate-resource-config.js';
import type { RequestWithConfig, WireDiagnostic } from './wire.js';

/**
 * validateEphemeralResourceConfig runs an ephemeral resource's checks. The
 * engine calls it at validate time and again right before every open, with
 * values that may still be unknown, and before configure: there is no context.
 */
export function validateEphemeralResourceConfig<Ctx>(state: ServerState<Ctx>, request: RequestWithConfig): Promise<{ diagnostics: WireDiagnostic[] }> {
  return validateFound(findEphemeralResource(state, request.type_name), request);
}
