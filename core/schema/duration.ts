import { z } from 'zod';
import { admit, celString } from './admission.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };
const units = ['d', 'h', 'm', 's'] as const;

// At most nine digits per unit keeps every duration far inside an int64 of
// seconds, so CEL can add the parts up without overflowing. RE2-compatible:
// the same source is the CRD's pattern.
const DURATION = /^([0-9]{1,9}d)?([0-9]{1,9}h)?([0-9]{1,9}m)?([0-9]{1,9}s)?$/;

/**
 * parseDuration reads a duration written the way Kubernetes users write them
 * (cert-manager's `2160h`, plus `d` for days): `30d`, `720h`, `1h30m`, `90s`.
 * Returns seconds, or undefined when the text is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === '') return undefined;
  let seconds = 0;
  units.forEach((unit, i) => {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part.slice(0, -1)) * (UNIT_SECONDS[unit] ?? 0);
  });
  return seconds > 0 ? seconds : undefined;
}

/** formatDuration writes seconds back in the largest exact units, e.g. `36h`. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out === '' ? '0s' : out;
}

/** celIsDuration is CEL that holds when `expr` (a string) is written as a duration. */
export function celIsDuration(expr: string): string {
  return `${expr}.matches(${celString(DURATION.source)})`;
}

/**
 * celSeconds is CEL that adds up the seconds of `expr`, a string already
 * known to match the duration syntax (guard with celIsDuration): CEL's own
 * duration() has no days.
 */
export function celSeconds(expr: string): string {
  return `(${units.map((unit) => `(${expr}.matches('[0-9]${unit}') ? int(${expr}.find('[0-9]+${unit}').replace('${unit}', '')) * ${UNIT_SECONDS[unit] ?? 0} : 0)`).join(' + ')})`;
}

const positive = 'must be a positive duration such as 30d, 720h, 1h30m or 90s';

/** durationSchema is a string field holding a positive duration such as `720h`. */
export const durationSchema = admit(
  z
    .string()
    // The longest well-formed duration; a bound that keeps CEL cheap to estimate.
    .max(40)
    .regex(DURATION, { message: 'must be a duration such as 30d, 720h, 1h30m or 90s (at most 9 digits per unit)' })
    .refine((text) => parseDuration(text) !== undefined, { message: positive }),
  // Only a well-formed duration can be zero; a malformed one already has its error.
  [{ rule: `!${celIsDuration('self')} || self.matches('[1-9]')`, message: positive }],
);
