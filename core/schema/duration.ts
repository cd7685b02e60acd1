import { z } from 'zod';

const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * parseDuration reads a duration written the way Kubernetes users write them
 * (cert-manager's `2160h`, plus `d` for days): `30d`, `720h`, `1h30m`, `90s`.
 * Returns seconds, or undefined when the text is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null || text === '') return undefined;
  const units = ['d', 'h', 'm', 's'] as const;
  let seconds = 0;
  units.forEach((unit, i) => {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part) * (UNIT_SECONDS[unit] ?? 0);
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

/** durationSchema is a string field holding a positive duration such as `720h`. */
export const durationSchema = z
  .string()
  .regex(/^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/, { message: 'must be a duration such as 30d, 720h, 1h30m or 90s' })
  .refine((text) => parseDuration(text) !== undefined, { message: 'must be a positive duration such as 30d, 720h, 1h30m or 90s' });
