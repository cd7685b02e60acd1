import type { Diagnostic } from './diagnostic.js';
import type { ResourceSchema } from './schema.js';
import type { ObjectValue } from './value.js';

/**
 * DeferralReason is why an ephemeral resource cannot be opened yet (protocol
 * 6 `Deferred.Reason`): its own configuration is not known, the provider's
 * is not, or something it needs does not exist yet.
 */
export type DeferralReason = 'resource_config_unknown' | 'provider_config_unknown' | 'absent_prereq';

/** OpenRequest asks for an ephemeral resource's value. */
export interface OpenRequest<Ctx> {
  /** config as written; may hold unknowns when the engine opens before they are known. */
  readonly config: ObjectValue;
  /** context is what the provider's configure returned. */
  readonly context: Ctx;
  /** deferralAllowed: the engine accepts `deferred` in the answer (OpenTofu 1.11; Terraform only with -allow-deferral). */
  readonly deferralAllowed: boolean;
  /** signal aborts when Terraform calls StopProvider. */
  readonly signal: AbortSignal;
}

/**
 * OpenResult is the opened value, a deferral, or diagnostics. `result` holds
 * exactly the schema's attributes, every one known (engines refuse unknowns
 * in an opened value). `private` travels back in Renew and Close and is
 * never written anywhere by the engine; still, keep values out of it.
 */
export type OpenResult =
  | {
      /** result is the opened object. */
      readonly result: ObjectValue;
      /** renewAt asks the engine to call renew at that time if the run is still going. */
      readonly renewAt?: Date;
      /** private bytes for renew and close. */
      readonly private?: Uint8Array;
      /** diagnostics to show (warnings only, when a result is given). */
      readonly diagnostics?: readonly Diagnostic[];
    }
  | {
      /** deferred: the engine should open it later (only when deferralAllowed). */
      readonly deferred: DeferralReason;
      /** diagnostics to show. */
      readonly diagnostics?: readonly Diagnostic[];
    }
  | {
      /** result is null when opening failed; diagnostics then hold an error. */
      readonly result: null;
      /** diagnostics explain the failure. */
      readonly diagnostics: readonly Diagnostic[];
    };

/** RenewRequest is a renewal of an opened ephemeral resource at the time it asked for. */
export interface RenewRequest<Ctx> {
  /** private bytes from open (or the previous renew). */
  readonly private: Uint8Array;
  /** context is what the provider's configure returned. */
  readonly context: Ctx;
  /** signal aborts when Terraform calls StopProvider. */
  readonly signal: AbortSignal;
}

/** RenewResult says when to renew next (nothing: never) with new private bytes. */
export interface RenewResult {
  /** renewAt is the next renewal time, if any. */
  readonly renewAt?: Date;
  /** private bytes replacing the previous ones. */
  readonly private?: Uint8Array;
  /** diagnostics to show. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** CloseRequest releases an opened ephemeral resource at the end of its use. */
export interface CloseRequest<Ctx> {
  /** private bytes from open (or the last renew). */
  readonly private: Uint8Array;
  /** context is what the provider's configure returned. */
  readonly context: Ctx;
  /** signal aborts when Terraform calls StopProvider. */
  readonly signal: AbortSignal;
}

/**
 * EphemeralResourceDefinition is one ephemeral resource type: a value the
 * engine opens when a configuration needs it, renews while a run lasts and
 * closes afterwards, and never writes to plan or state. The engine opens
 * it in every phase that needs it (plan and apply alike), each time in a
 * fresh provider process, so open must not depend on anything kept in memory.
 * Problems are diagnostics; a thrown error becomes "Unexpected Provider Error".
 */
export interface EphemeralResourceDefinition<Ctx> {
  /** typeName is the full type, e.g. "sftoken_token_value". */
  readonly typeName: string;
  /** schema of the resource; its version is unused (nothing is stored). */
  readonly schema: ResourceSchema;
  /** validate checks a config before open; skip unknown values. Called without provider context. */
  validate?(request: { readonly config: ObjectValue }): readonly Diagnostic[] | Promise<readonly Diagnostic[]>;
  /** open produces the value. */
  open(request: OpenRequest<Ctx>): Promise<OpenResult>;
  /** renew runs at the time open (or the last renew) asked for. */
  renew?(request: RenewRequest<Ctx>): Promise<RenewResult>;
  /** close releases whatever open acquired. */
  close?(request: CloseRequest<Ctx>): Promise<{ readonly diagnostics?: readonly Diagnostic[] }>;
}
