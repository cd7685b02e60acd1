import type { SecretValue } from '../../secret.js';

// Shapes of token values that must never be echoed even when we do not hold
// them: JWTs, Cloudflare's scannable prefixes, Avvyr and WizCommerce keys.
const TOKEN_SHAPES: readonly RegExp[] = [
  /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g,
  /\b(?:cfat|cfut|cfk|avsf|avak|api_prod|api_test)_[\w-]{6,}/g,
];

const MAX_MESSAGE = 300;

/**
 * redact removes every given secret, and anything shaped like a token, from a
 * platform-supplied message before it becomes part of a CoreError, and bounds
 * its length: platform error text is untrusted and may echo what we sent.
 */
export function redact(text: string, secrets: readonly SecretValue[]): string {
  let out = text;
  for (const secret of secrets) {
    const value = secret.reveal();
    if (value.length >= 4) out = out.split(value).join(`[secret ${secret.fingerprint}]`);
  }
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}
