import { isRecord } from '../platform.js';
import type { AvvyrDetail } from './avvyr-envelopes.js';

/** AVVYR_MAX_ORIGINS bounds allowedOrigins per token. */
export const AVVYR_MAX_ORIGINS = 20;

/** AvvyrFields are the validated writable fields of a storefront token. */
export interface AvvyrFields {
  readonly name?: string;
  readonly allowedOrigins?: readonly string[];
}

/** isOrigin accepts exactly `http(s)://host[:port]`: no path, query, fragment, wildcard or trailing slash. */
export function isOrigin(value: string): boolean {
  if (!/^https?:\/\/[^/?#*\s]+$/.test(value)) return false;
  try {
    const u = new URL(value);
    // URL normalises case and default ports; requiring equality rejects anything that is not already canonical.
    return u.origin === value;
  } catch {
    return false;
  }
}

/** parseAvvyrFields validates a create (`requireName`) or update body and collects every problem as details. */
export function parseAvvyrFields(body: unknown, requireName: boolean): AvvyrFields | AvvyrDetail[] {
  if (!isRecord(body)) return [{ field: '', reason: 'body must be a JSON object' }];
  const details: AvvyrDetail[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'name' && key !== 'allowedOrigins') details.push({ field: key, reason: 'unknown field' });
  }
  const out: { name?: string; allowedOrigins?: string[] } = {};
  const name = body['name'];
  if (name === undefined) {
    if (requireName) details.push({ field: 'name', reason: 'is required' });
  } else if (typeof name !== 'string' || name.trim().length < 1 || name.length > 100) {
    details.push({ field: 'name', reason: 'must be a string of 1 to 100 characters' });
  } else {
    out.name = name;
  }
  const origins = body['allowedOrigins'];
  if (origins !== undefined) {
    if (!Array.isArray(origins)) {
      details.push({ field: 'allowedOrigins', reason: 'must be an array of origins' });
    } else if (origins.length > AVVYR_MAX_ORIGINS) {
      details.push({ field: 'allowedOrigins', reason: `must contain at most ${AVVYR_MAX_ORIGINS} origins` });
    } else {
      const seen = new Set<string>();
      origins.forEach((o: unknown, i) => {
        if (typeof o !== 'string' || !isOrigin(o)) {
          details.push({ field: `allowedOrigins[${i}]`, reason: 'must be an origin scheme://host[:port] with no path and no trailing slash' });
        } else if (seen.has(o)) {
          details.push({ field: `allowedOrigins[${i}]`, reason: 'duplicate origin' });
        } else {
          seen.add(o);
        }
      });
      out.allowedOrigins = origins as string[];
    }
  } else if (requireName) {
    out.allowedOrigins = [];
  }
  return details.length > 0 ? details : out;
}
