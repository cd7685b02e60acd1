import { createHash } from 'node:crypto';

const MARKER = / ·sft:[0-9a-f]{8}$/;

/**
 * nameMarker is the suffix that lets resolveInDoubt recognise a token whose
 * create answer was lost: ` ·sft:` and 8 hex digits of the idempotency key's
 * SHA-256 (Cloudflare has no idempotency key of its own).
 */
export function nameMarker(idempotencyKey: string): string {
  return ` ·sft:${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 8)}`;
}

/** withMarker appends the marker, shortening the name so the whole stays within maxLength. */
export function withMarker(name: string, marker: string, maxLength: number): string {
  return `${name.slice(0, Math.max(0, maxLength - marker.length))}${marker}`;
}

/** stripMarker removes our marker, so observed display names compare with the spec's. */
export function stripMarker(name: string): string {
  return name.replace(MARKER, '');
}

/** markerOf returns the name's marker, or '' when it has none. */
export function markerOf(name: string): string {
  return MARKER.exec(name)?.[0] ?? '';
}
