import { errorDiagnostic } from '../framework/diagnostic.js';
import type { Diagnostic } from '../framework/diagnostic.js';
import type { EphemeralResourceDefinition } from '../framework/ephemeral.js';
import type { ResourceDefinition } from '../framework/resource.js';
import type { ServerState } from './state.js';

/** Lookup is a resource with the provider context, or the diagnostic explaining why not. */
export type Lookup<Ctx, R = ResourceDefinition<Ctx>> =
  | { readonly ok: true; readonly resource: R; readonly context: Ctx }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

// An unknown type means the engine and the schema disagree: a bug or a stale schema cache.
function unknownType<Ctx>(state: ServerState<Ctx>, kind: string, typeName: string): Diagnostic {
  return errorDiagnostic(
    `Unknown ${kind} Type`,
    `The provider "${state.definition.name}" has no ${kind.toLowerCase()} type "${typeName}". This is a bug in the provider or a stale schema cache; run "terraform init -upgrade".`,
  );
}

/** findResource finds a resource type; an unknown type means Terraform and the schema disagree. */
export function findResource<Ctx>(state: ServerState<Ctx>, typeName: string): ResourceDefinition<Ctx> | Diagnostic {
  return state.resources.get(typeName) ?? unknownType(state, 'Resource', typeName);
}

/** findEphemeralResource finds an ephemeral resource type. */
export function findEphemeralResource<Ctx>(state: ServerState<Ctx>, typeName: string): EphemeralResourceDefinition<Ctx> | Diagnostic {
  return state.ephemeralResources.get(typeName) ?? unknownType(state, 'Ephemeral Resource', typeName);
}

function configured<Ctx, R>(state: ServerState<Ctx>, typeName: string, resource: R | Diagnostic): Lookup<Ctx, R> {
  if (typeof resource === 'object' && resource !== null && 'severity' in resource) return { ok: false, diagnostics: [resource] };
  if (state.configured === undefined) {
    return {
      ok: false,
      diagnostics: [
        errorDiagnostic(
          'Provider Not Configured',
          `The provider was asked to work on "${typeName}" before it was configured. Check the provider block for errors reported above.`,
        ),
      ],
    };
  }
  return { ok: true, resource, context: state.configured.context };
}

/** lookupConfigured finds a resource and requires ConfigureProvider to have succeeded. */
export function lookupConfigured<Ctx>(state: ServerState<Ctx>, typeName: string): Lookup<Ctx> {
  return configured(state, typeName, findResource(state, typeName));
}

/** lookupConfiguredEphemeral finds an ephemeral resource and requires ConfigureProvider to have succeeded. */
export function lookupConfiguredEphemeral<Ctx>(state: ServerState<Ctx>, typeName: string): Lookup<Ctx, EphemeralResourceDefinition<Ctx>> {
  return configured(state, typeName, findEphemeralResource(state, typeName));
}
