import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * fingerprint names a secret without revealing it: the first 12 hex digits of
 * its SHA-256. Stable across processes, so logs, status and the sandbox
 * inventory can be correlated.
 */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/**
 * A SecretValue holds a token or credential. Every accidental route to text
 * (string conversion, JSON, util.inspect, template literals) yields only its
 * fingerprint; `reveal()` is the one deliberate way out, so a grep for reveal
 * finds every place a secret leaves the process.
 */
export class SecretValue {
  readonly #value: string;
  /** fingerprint is the value's stable, non-secret name. */
  readonly fingerprint: string;

  constructor(value: string) {
    this.#value = value;
    this.fingerprint = fingerprint(value);
  }

  /** reveal returns the secret itself, for the wire or the Kubernetes Secret only. */
  reveal(): string {
    return this.#value;
  }

  /** equals compares two secrets without revealing either. */
  equals(other: SecretValue): boolean {
    return other.#value === this.#value;
  }

  toString(): string {
    return `[secret ${this.fingerprint}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
