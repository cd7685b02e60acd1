import type { Diagnostic } from './diagnostic.js';
import type { EphemeralResourceDefinition } from './ephemeral.js';
import type { ResourceDefinition } from './resource.js';
import type { BlockSchema } from './schema.js';
import type { ObjectValue } from './value.js';

/** ConfigureRequest is the provider block's configuration. */
export interface ConfigureRequest {
  /** config of the provider block (unknown values are possible). */
  readonly config: ObjectValue;
  /** terraformVersion of the calling engine, e.g. "1.11.4". */
  readonly terraformVersion: string;
}

/** ConfigureResult is the context every resource call receives, or diagnostics. */
export interface ConfigureResult<Ctx> {
  /** context handed to resource calls; undefined when configuration failed. */
  readonly context: Ctx | undefined;
  /** diagnostics to show. */
  readonly diagnostics?: readonly Diagnostic[];
}

/**
 * ProviderDefinition is a whole provider: its configuration block, how to
 * turn that configuration into the context resources use, its managed
 * resources and its ephemeral resources.
 * Terraform configures each process before any read, plan, apply or import.
 */
export interface ProviderDefinition<Ctx> {
  /** name is the provider type, the prefix of every resource type (e.g. "sftoken"). */
  readonly name: string;
  /** version is reported in logs only (the engine knows it from the install). */
  readonly version: string;
  /** schema of the provider block; an empty block when there is no configuration. */
  readonly schema: BlockSchema;
  /** validate checks the provider block before configure; skip unknown values. */
  validate?(request: { readonly config: ObjectValue }): readonly Diagnostic[] | Promise<readonly Diagnostic[]>;
  /** configure builds the context resources use (clients, credentials). */
  configure(request: ConfigureRequest): ConfigureResult<Ctx> | Promise<ConfigureResult<Ctx>>;
  /** resources served by this provider. */
  readonly resources: readonly ResourceDefinition<Ctx>[];
  /** ephemeralResources served by this provider (protocol 6.7+: Terraform 1.10+, OpenTofu 1.11+). @default none */
  readonly ephemeralResources?: readonly EphemeralResourceDefinition<Ctx>[];
}
