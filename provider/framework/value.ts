/**
 * Values cross the framework as plain JavaScript: string, number (or bigint
 * when an integer does not fit a double), boolean, null, arrays (lists, sets,
 * tuples), plain objects (objects, maps, blocks) and the Unknown sentinel for
 * values Terraform will only know after apply.
 */
export type Value =
  | string
  | number
  | bigint
  | boolean
  | null
  | UnknownValue
  | readonly Value[]
  | { readonly [key: string]: Value };

/** ObjectValue is a resource or provider configuration, state or plan. */
export type ObjectValue = { readonly [key: string]: Value };

/**
 * UnknownValue marks a value that is not known yet. Terraform may send a
 * "refined" unknown (msgpack ext 12: not-null, string prefix, bounds); the raw
 * refinement is kept so that echoing a config value back does not lose it.
 */
export class UnknownValue {
  /** refinement is the raw msgpack payload of an ext 12 unknown, if any. */
  readonly refinement: Uint8Array | undefined;

  constructor(refinement?: Uint8Array) {
    this.refinement = refinement;
    Object.freeze(this);
  }

  /** toJSON keeps unknowns readable in debug output and snapshots. */
  toJSON(): string {
    return '(unknown)';
  }
}

/** Unknown is the plain unknown value (msgpack ext 0). */
export const Unknown: UnknownValue = new UnknownValue();

/** isUnknown tells whether a value is an unknown (plain or refined). */
export function isUnknown(value: unknown): value is UnknownValue {
  return value instanceof UnknownValue;
}

/** isObjectValue tells whether a value is a plain object (object, map or block). */
export function isObjectValue(value: Value | undefined): value is ObjectValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnknown(value);
}

/** isWhollyKnown tells whether a value contains no unknown anywhere. */
export function isWhollyKnown(value: Value): boolean {
  if (isUnknown(value)) return false;
  if (Array.isArray(value)) return (value as readonly Value[]).every(isWhollyKnown);
  if (isObjectValue(value)) return Object.values(value).every(isWhollyKnown);
  return true;
}

/**
 * valuesEqual compares two values structurally. Unknowns are never equal to
 * anything (not even another unknown): a change to an unknown is a change.
 * Numbers compare by value so that 1 and 1n are equal.
 */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (isUnknown(a) || isUnknown(b)) return false;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    // eslint-disable-next-line eqeqeq -- loose equality is the one operator that compares number with bigint
    return a == b;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const left = a as readonly Value[];
    const right = b as readonly Value[];
    return left.length === right.length && left.every((v, i) => valuesEqual(v, right[i]));
  }
  if (isObjectValue(a) || isObjectValue(b)) {
    if (!isObjectValue(a) || !isObjectValue(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!valuesEqual(a[key] ?? null, b[key] ?? null)) return false;
    }
    return true;
  }
  return a === b;
}
