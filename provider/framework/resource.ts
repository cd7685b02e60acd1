import type { Diagnostic, AttributePath } from './diagnostic.js';
import type { ResourceSchema } from './schema.js';
import type { ObjectValue } from './value.js';

/** ValidateRequest carries a configuration that may still contain unknowns. */
export interface ValidateRequest {
  /** config as written; unknown where it depends on other resources. */
  readonly config: ObjectValue;
}

/** PlanRequest is what Terraform proposes for a create or update. */
export interface PlanRequest<Ctx> {
  /** prior state, or null on create. */
  readonly prior: ObjectValue | null;
  /** proposed is the config merged with prior computed values (Terraform's ProposedNew). */
  readonly proposed: ObjectValue;
  /** config as written (may contain unknowns). */
  readonly config: ObjectValue;
  /** context is what the provider's configure returned. */
  readonly context: Ctx;
}

/** PlanResult is the planned state plus the attributes whose change forces replacement. */
export interface PlanResult {
  /** planned state: exactly the schema's attributes, computed ones known or Unknown. */
  readonly planned: ObjectValue;
  /** requiresReplace lists attribute paths whose change destroys and recreates. */
  readonly requiresReplace?: readonly AttributePath[];
  /** diagnostics to show. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** ApplyRequest carries one create, update or delete; `signal` aborts when Terraform stops the provider. */
export interface ApplyRequest<Ctx> {
  /** prior state (null on create). */
  readonly prior: ObjectValue | null;
  /** planned state (null on delete). */
  readonly planned: ObjectValue | null;
  /** config as written (null on delete). */
  readonly config: ObjectValue | null;
  /** context is what the provider's configure returned. */
  readonly context: Ctx;
  /** signal aborts when Terraform calls StopProvider (e.g. on Ctrl-C). */
  readonly signal: AbortSignal;
}

/** CreateRequest is an ApplyRequest with no prior state. */
export type CreateRequest<Ctx> = ApplyRequest<Ctx> & { readonly prior: null; readonly planned: ObjectValue; readonly config: ObjectValue };
/** UpdateRequest is an ApplyRequest with both prior and planned states. */
export type UpdateRequest<Ctx> = ApplyRequest<Ctx> & { readonly prior: ObjectValue; readonly planned: ObjectValue; readonly config: ObjectValue };
/** DeleteRequest is an ApplyRequest with no planned state. */
export type DeleteRequest<Ctx> = ApplyRequest<Ctx> & { readonly prior: ObjectValue; readonly planned: null };

/**
 * ApplyResult is the new state. Every known planned value must come back
 * unchanged; unknowns must become known. After a failed create return null
 * state with the error; after a failed update return the state as it is now.
 */
export interface ApplyResult {
  /** state after the change (null after delete). */
  readonly state: ObjectValue | null;
  /** diagnostics to show. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** ReadRequest refreshes one resource from the remote system. */
export interface ReadRequest<Ctx> {
  /** state as last stored (or as returned by import). */
  readonly state: ObjectValue;
  /** context is what the provider's configure returned. */
  readonly context: Ctx;
  /** signal aborts when Terraform calls StopProvider. */
  readonly signal: AbortSignal;
}

/** ReadResult is the refreshed state; null means the remote object is gone and will be planned again. */
export interface ReadResult {
  /** state now, or null when the remote object no longer exists. */
  readonly state: ObjectValue | null;
  /** diagnostics to show. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** ImportRequest asks for the state of an existing remote object by the id the practitioner gave. */
export interface ImportRequest<Ctx> {
  /** id as given to `terraform import` or an `import {}` block. */
  readonly id: string;
  /** context is what the provider's configure returned. */
  readonly context: Ctx;
  /** signal aborts when Terraform calls StopProvider. */
  readonly signal: AbortSignal;
}

/** ImportResult is a (possibly partial) state that Terraform then refreshes with read. */
export interface ImportResult {
  /** state to start from; null with an error diagnostic when the id is not found. */
  readonly state: ObjectValue | null;
  /** diagnostics to show. */
  readonly diagnostics?: readonly Diagnostic[];
}

/**
 * ResourceDefinition is one managed resource type. The server decodes every
 * request against `schema`, calls one of these methods and encodes the
 * answer, so implementations see plain values (see value.ts) and report
 * problems as diagnostics rather than exceptions (an exception becomes an
 * "Unexpected Provider Error" diagnostic).
 *
 * Apply is dispatched like terraform-plugin-framework: a null prior state is
 * `create`, a null planned state is `delete`, anything else is `update`.
 * Optional capabilities: `validate`, `plan` (defaults to `defaultPlan`) and
 * `importState` (without it, import answers an "Import Not Supported" error).
 * Each Terraform phase runs in a fresh process: keep no state in memory.
 */
export interface ResourceDefinition<Ctx> {
  /** typeName is the full resource type, e.g. "sftoken_storefront_token". */
  readonly typeName: string;
  /** schema of the resource; also decides how values are encoded. */
  readonly schema: ResourceSchema;
  /** validate checks a config before any plan; skip unknown values. Called without provider context. */
  validate?(request: ValidateRequest): readonly Diagnostic[] | Promise<readonly Diagnostic[]>;
  /** plan decides the planned state; must be deterministic (Terraform plans twice). */
  plan?(request: PlanRequest<Ctx>): PlanResult | Promise<PlanResult>;
  /** create makes the remote object. */
  create(request: CreateRequest<Ctx>): Promise<ApplyResult>;
  /** update changes the remote object in place. */
  update(request: UpdateRequest<Ctx>): Promise<ApplyResult>;
  /** delete removes the remote object; deleting a missing object succeeds. */
  delete(request: DeleteRequest<Ctx>): Promise<ApplyResult>;
  /** read refreshes the state from the remote object. */
  read(request: ReadRequest<Ctx>): Promise<ReadResult>;
  /** importState turns an import id into a state for read to complete. */
  importState?(request: ImportRequest<Ctx>): Promise<ImportResult>;
}
