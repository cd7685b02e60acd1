import type { SecretRef } from '../config/secret-store.js';

/**
 * Opened is what an open hands to renew and close through the engine's
 * private bytes: where the value came from, its fingerprint and expiry.
 * Never the value: private bytes are the engine's to keep.
 */
export interface Opened extends SecretRef {
  readonly key: string;
  readonly fingerprint: string;
  readonly expiresAt: string | undefined;
}

/** encodeOpened writes Opened as the private bytes of an open. */
export function encodeOpened(opened: Opened): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(opened));
}

/** decodeOpened reads private bytes back; undefined when they are not ours (empty or foreign). */
export function decodeOpened(bytes: Uint8Array): Opened | undefined {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const o = parsed as Record<string, unknown>;
    const text = (k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
    const namespace = text('namespace');
    const name = text('name');
    const key = text('key');
    const fingerprint = text('fingerprint');
    if (namespace === undefined || name === undefined || key === undefined || fingerprint === undefined) return undefined;
    return { namespace, name, key, fingerprint, expiresAt: text('expiresAt') };
  } catch {
    return undefined;
  }
}
