import { fingerprint } from '../../core/secret.js';
import type { ProviderContext } from '../config/context.js';
import type { Diagnostic } from '../framework/diagnostic.js';
import type { RenewRequest, RenewResult } from '../framework/ephemeral.js';
import { expiringDiagnostic, rotatedDiagnostic } from './diagnostics.js';
import { decodeOpened } from './opened.js';
import { renewalOf } from './renewal.js';

/**
 * renewTokenValue runs a minute before the opened token expires, if the run
 * is still going: it reads the Secret again and warns when the value in use
 * is about to stop working or has been superseded by a rotation. A failed
 * read is not an error here: the open already succeeded.
 */
export async function renewTokenValue(request: RenewRequest<ProviderContext>): Promise<RenewResult> {
  const opened = decodeOpened(request.private);
  if (opened === undefined) return {};
  let current: string | undefined;
  try {
    const value = (await request.context.secrets.get(opened, request.signal))?.data[opened.key];
    current = value === undefined || value === '' ? undefined : fingerprint(value);
  } catch {
    current = undefined;
  }
  const renewal = renewalOf(opened, current, request.context.now());
  const diagnostics: Diagnostic[] = [];
  if (renewal.expiring && opened.expiresAt !== undefined) diagnostics.push(expiringDiagnostic(opened, opened.expiresAt));
  if (renewal.rotated) diagnostics.push(rotatedDiagnostic(opened));
  return { ...(renewal.renewAt === undefined ? {} : { renewAt: renewal.renewAt }), private: request.private, diagnostics };
}
