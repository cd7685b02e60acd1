/**
 * Wire shapes of the tfplugin6 messages as @grpc/proto-loader produces them
 * with our loader options (snake_case, enum names, numbers, Buffers, defaults
 * filled in). Only the fields the handlers read or write are listed.
 */

/** WireDynamicValue is tfplugin6.DynamicValue. */
export interface WireDynamicValue {
  readonly msgpack?: Uint8Array;
  readonly json?: Uint8Array;
}

/** WireStep is tfplugin6.AttributePath.Step. */
export type WireStep =
  | { readonly attribute_name: string }
  | { readonly element_key_string: string }
  | { readonly element_key_int: number };

/** WireDiagnostic is tfplugin6.Diagnostic. */
export interface WireDiagnostic {
  readonly severity: 'ERROR' | 'WARNING';
  readonly summary: string;
  readonly detail: string;
  readonly attribute?: { readonly steps: readonly WireStep[] };
}

/** WireAttribute is tfplugin6.Schema.Attribute. */
export interface WireAttribute {
  readonly name: string;
  readonly type?: Uint8Array;
  readonly nested_type?: { readonly attributes: readonly WireAttribute[]; readonly nesting: string };
  readonly description: string;
  readonly description_kind: 'MARKDOWN';
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly sensitive: boolean;
  readonly deprecated: boolean;
  readonly write_only: boolean;
}

/** WireBlock is tfplugin6.Schema.Block. */
export interface WireBlock {
  readonly version: number;
  readonly attributes: readonly WireAttribute[];
  readonly block_types: readonly {
    readonly type_name: string;
    readonly block: WireBlock;
    readonly nesting: string;
    readonly min_items: number;
    readonly max_items: number;
  }[];
  readonly description: string;
  readonly description_kind: 'MARKDOWN';
  readonly deprecated: boolean;
}

/** WireSchema is tfplugin6.Schema. */
export interface WireSchema {
  readonly version: number;
  readonly block: WireBlock;
}

/** RequestWithConfig is any request that carries `config`. */
export interface RequestWithConfig {
  readonly type_name: string;
  readonly config: WireDynamicValue | null;
}

/** WireTimestamp is google.protobuf.Timestamp (seconds since the Unix epoch plus nanoseconds). */
export interface WireTimestamp {
  readonly seconds: number;
  readonly nanos: number;
}

/** toWireTimestamp encodes a Date as a google.protobuf.Timestamp. */
export function toWireTimestamp(date: Date): WireTimestamp {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}
