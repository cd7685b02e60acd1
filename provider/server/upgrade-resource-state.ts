import { blockType } from '../codec/cty-type.js';
import { decodeJsonState } from '../codec/json.js';
import { errorDiagnostic } from '../framework/diagnostic.js';
import { encodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { findResource } from './lookup.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic, WireDynamicValue } from './wire.js';

/** UpgradeResourceStateRequest carries state JSON exactly as stored. */
export interface UpgradeResourceStateRequest {
  readonly type_name: string;
  readonly version: number;
  readonly raw_state: { readonly json?: Uint8Array; readonly flatmap?: Readonly<Record<string, string>> } | null;
}

/**
 * upgradeResourceState runs before every refresh. Stored state is decoded
 * leniently and normalised to the current schema (dropped attributes go,
 * new ones are null); state from a newer schema version is refused rather
 * than silently misread.
 */
export function upgradeResourceState<Ctx>(
  state: ServerState<Ctx>,
  request: UpgradeResourceStateRequest,
): Promise<{ upgraded_state?: WireDynamicValue; diagnostics: WireDiagnostic[] }> {
  const resource = findResource(state, request.type_name);
  if ('severity' in resource) return Promise.resolve({ diagnostics: diagnosticsToProto([resource]) });
  if (request.version > resource.schema.version) {
    return Promise.resolve({
      diagnostics: diagnosticsToProto([
        errorDiagnostic(
          'Unsupported State Version',
          `The state of this ${request.type_name} was written by a newer provider (schema version ${request.version}; this provider knows ${resource.schema.version}). Upgrade the provider.`,
        ),
      ]),
    });
  }
  const json = request.raw_state?.json;
  if (json === undefined || json.length === 0) {
    return Promise.resolve({
      diagnostics: diagnosticsToProto([
        errorDiagnostic('Unsupported State Format', 'The stored state is in the legacy flatmap format, which this provider never wrote.'),
      ]),
    });
  }
  const upgraded = decodeJsonState(json, blockType(resource.schema.block));
  return Promise.resolve({ upgraded_state: encodeObject(upgraded, resource.schema.block), diagnostics: [] });
}
