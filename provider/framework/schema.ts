/**
 * CtyType is a Terraform (cty) type in its JSON form, which is also what the
 * protocol sends as an attribute's `type` bytes.
 */
export type CtyType =
  | CtyPrimitive
  | readonly ['list', CtyType]
  | readonly ['set', CtyType]
  | readonly ['map', CtyType]
  | readonly ['object', { readonly [name: string]: CtyType }]
  | readonly ['tuple', readonly CtyType[]];

/** CtyPrimitive is a primitive cty type; `dynamic` stands for any type. */
export type CtyPrimitive = 'string' | 'number' | 'bool' | 'dynamic';

/** Nesting says how a nested attribute object repeats. */
export type AttributeNesting = 'single' | 'list' | 'set' | 'map';

/** BlockNesting says how a nested block repeats; `group` is a block that is never null. */
export type BlockNesting = AttributeNesting | 'group';

/** NestedAttributes is the object type of an attribute with nested attributes. */
export interface NestedAttributes {
  /** nesting is how the object repeats. */
  readonly nesting: AttributeNesting;
  /** attributes of each object. */
  readonly attributes: { readonly [name: string]: AttributeSchema };
}

/**
 * AttributeSchema describes one attribute. Exactly one of `type` and `nested`
 * is set. `requiresReplace` and `stable` are framework plan behaviours used by
 * `defaultPlan`; they are not sent to Terraform.
 */
export interface AttributeSchema {
  /** type of a plain attribute. */
  readonly type?: CtyType;
  /** nested is the object type of an attribute with nested attributes. */
  readonly nested?: NestedAttributes;
  /** required: the practitioner must set it. */
  readonly required?: boolean;
  /** optional: the practitioner may set it. */
  readonly optional?: boolean;
  /** computed: the provider may set it (with optional: when the practitioner did not). */
  readonly computed?: boolean;
  /** sensitive: Terraform redacts it in plan output (it is still stored in state). */
  readonly sensitive?: boolean;
  /** writeOnly: never stored in plan or state (protocol 6.8+). */
  readonly writeOnly?: boolean;
  /** description in Markdown, shown in docs and generated bindings. */
  readonly description?: string;
  /** deprecated makes Terraform warn when the attribute is set. */
  readonly deprecated?: boolean;
  /** requiresReplace: a change to this attribute destroys and recreates the resource. */
  readonly requiresReplace?: boolean;
  /** stable: once computed the value never changes, so updates keep the prior value instead of unknown. */
  readonly stable?: boolean;
}

/** NestedBlockSchema is a block type nested in a block. */
export interface NestedBlockSchema {
  /** nesting is how the block repeats. */
  readonly nesting: BlockNesting;
  /** block is the schema of each block. */
  readonly block: BlockSchema;
  /** minItems is the minimum number of blocks (list and set only). */
  readonly minItems?: number;
  /** maxItems is the maximum number of blocks (list and set only). */
  readonly maxItems?: number;
}

/** BlockSchema is a configuration block: attributes plus nested block types. */
export interface BlockSchema {
  /** attributes by name. */
  readonly attributes: { readonly [name: string]: AttributeSchema };
  /** blocks are the nested block types by name. */
  readonly blocks?: { readonly [name: string]: NestedBlockSchema };
  /** description in Markdown. */
  readonly description?: string;
  /** deprecated makes Terraform warn when the block is used. */
  readonly deprecated?: boolean;
}

/** ResourceSchema is a resource's schema plus its state schema version. */
export interface ResourceSchema {
  /** version of the state schema; bump it when stored state changes shape. */
  readonly version: number;
  /** block is the resource's top-level block. */
  readonly block: BlockSchema;
}
