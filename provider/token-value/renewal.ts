/** RENEW_MARGIN_MS is how long before expiry the engine is asked to renew: time enough to warn before the value stops working. */
export const RENEW_MARGIN_MS = 60_000;

/**
 * renewAtFor is when to ask the engine to call renew for a value expiring
 * at `expiresAt`: a minute before it, so a long run hears about it.
 * Undefined when the token never expires, the expiry is unreadable, or it
 * is already inside the margin (open warns instead).
 */
export function renewAtFor(expiresAt: string | undefined, now: Date): Date | undefined {
  if (expiresAt === undefined) return undefined;
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return undefined;
  const renewAt = at - RENEW_MARGIN_MS;
  return renewAt > now.getTime() ? new Date(renewAt) : undefined;
}

/** Renewal is what a renew finds: the warnings due and when to renew next. */
export interface Renewal {
  /** expiring: the opened value expires within the margin. */
  readonly expiring: boolean;
  /** rotated: the Secret now holds another token than the one opened. */
  readonly rotated: boolean;
  /** next renewal, if one is still useful. */
  readonly renewAt: Date | undefined;
}

/**
 * renewalOf decides, without I/O, what a renew reports. The opened value
 * cannot change (the engine already handed it on); renew can only tell the
 * practitioner that it is about to stop working or has been superseded.
 * `currentFingerprint` is undefined when the Secret could not be read or
 * holds no value, which is not taken as a rotation.
 */
export function renewalOf(opened: { readonly fingerprint: string; readonly expiresAt: string | undefined }, currentFingerprint: string | undefined, now: Date): Renewal {
  const renewAt = renewAtFor(opened.expiresAt, now);
  return {
    expiring: opened.expiresAt !== undefined && renewAt === undefined && !Number.isNaN(Date.parse(opened.expiresAt)),
    rotated: currentFingerprint !== undefined && currentFingerprint !== opened.fingerprint,
    renewAt,
  };
}
