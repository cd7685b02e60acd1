import { isCoreError, type CoreErrorCode } from '../../core/errors.js';
import { errorDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import { specCodecs } from './codec.js';
import { attributePathOf } from './convert.js';

const SUMMARIES: Readonly<Record<CoreErrorCode, string>> = {
  ERR_SCHEMA_INVALID: 'Invalid Token Settings',
  ERR_CONNECTION_INVALID: 'Platform Connection Not Configured',
  ERR_UNSUPPORTED: 'Operation Not Supported By Platform',
  ERR_PLATFORM_AUTH: 'Platform Authentication Failed',
  ERR_PLATFORM_FORBIDDEN: 'Platform Denied The Request',
  ERR_PLATFORM_VALIDATION: 'Platform Rejected The Token Settings',
  ERR_PLATFORM_NOT_FOUND: 'Token Not Found At Platform',
  ERR_PLATFORM_CONFLICT: 'Platform Reported A Conflict',
  ERR_PLATFORM_RATE_LIMITED: 'Platform Rate Limit Exhausted',
  ERR_PLATFORM_UNAVAILABLE: 'Platform Unavailable',
  ERR_PLATFORM_TIMEOUT: 'Platform Timed Out',
  ERR_PLATFORM_PROTOCOL: 'Unexpected Platform Response',
  ERR_CREATE_IN_DOUBT: 'Token Create In Doubt',
  ERR_SCOPE_NOT_FOUND: 'Token Scope Not Found',
  ERR_ABORTED: 'Operation Cancelled',
};

/**
 * failureDiagnostic reports an error from the core, a platform or the
 * cluster. Core and provider messages are secret-free by contract (values
 * travel as SecretValue, which prints its fingerprint), so the message is
 * shown as is; it names the platform and carries the platform's own words.
 */
export function failureDiagnostic(doing: string, error: unknown): Diagnostic {
  if (isCoreError(error)) {
    const path = error.path === undefined ? undefined : attributePathOf(error.path, specCodecs);
    const who = error.code.startsWith('ERR_PLATFORM') ? ' The platform answered this; check the provider block\'s credentials and the token settings.' : '';
    return errorDiagnostic(SUMMARIES[error.code], `While ${doing}: ${error.message}.${who}`, path !== undefined && path.length > 0 ? path : undefined);
  }
  const message = error instanceof Error ? error.message : 'unknown error';
  return errorDiagnostic('Token Operation Failed', `While ${doing}: ${message}.`);
}
