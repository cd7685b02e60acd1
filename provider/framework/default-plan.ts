import type { AttributePath } from './diagnostic.js';
import type { PlanResult } from './resource.js';
import type { ResourceSchema } from './schema.js';
import { Unknown, valuesEqual } from './value.js';
import type { ObjectValue, Value } from './value.js';

/** PlanInput is the part of a PlanRequest the default plan needs. */
export interface PlanInput {
  /** prior state, or null on create. */
  readonly prior: ObjectValue | null;
  /** proposed new state from Terraform. */
  readonly proposed: ObjectValue;
  /** config as written. */
  readonly config: ObjectValue;
}

/**
 * defaultPlan is the plan most resources want, from the schema's top-level
 * attributes alone:
 * - create: computed attributes not set in config become Unknown;
 * - no change: the proposal is the plan (so refreshes plan nothing);
 * - update: computed attributes not set in config become Unknown unless
 *   marked `stable` (then the prior value stays, like UseStateForUnknown);
 * - a change to a `requiresReplace` attribute is reported, and then even
 *   stable computed attributes become Unknown, because the object is new.
 */
export function defaultPlan(schema: ResourceSchema, input: PlanInput): PlanResult {
  const { prior, proposed, config } = input;
  const attributes = schema.block.attributes;
  const requiresReplace: AttributePath[] = [];
  if (prior !== null) {
    for (const [name, attribute] of Object.entries(attributes)) {
      if (attribute.requiresReplace === true && !valuesEqual(proposed[name] ?? null, prior[name] ?? null)) {
        requiresReplace.push([{ attribute: name }]);
      }
    }
    if (valuesEqual(proposed, prior)) return { planned: proposed, requiresReplace };
  }
  const replacing = prior === null || requiresReplace.length > 0;
  const planned: Record<string, Value> = { ...proposed };
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.computed !== true || (config[name] ?? null) !== null) continue;
    if (!replacing && attribute.stable === true) continue;
    planned[name] = Unknown;
  }
  return { planned, requiresReplace };
}
