import { secretNameSchema } from '../../core/schema/secret-name.js';
import { attributePath, errorDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import type { ObjectValue } from '../framework/value.js';

// Kubernetes' own rules for a namespace (DNS label) and a Secret data key.
const namespacePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dataKeyPattern = /^\.?[-_a-zA-Z0-9][-._a-zA-Z0-9]*$/;

function known(config: ObjectValue, attribute: string): string | undefined {
  const v = config[attribute];
  return typeof v === 'string' ? v : undefined;
}

/**
 * validateTokenValueConfig checks the known attributes of a
 * sftoken_token_value before anything is read: a Secret name (state
 * Secrets refused: they hold the provider's records, not a deliverable
 * value), a namespace and data keys Kubernetes accepts, a non-empty token
 * id. Unknown values are skipped; open checks them once known.
 */
export function validateTokenValueConfig(config: ObjectValue): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const name = known(config, 'name');
  const parsedName = name === undefined ? undefined : secretNameSchema.safeParse(name);
  if (parsedName !== undefined && !parsedName.success) {
    diagnostics.push(errorDiagnostic('Invalid Secret Name', `name ${parsedName.error.issues[0]?.message ?? 'is invalid'}; got "${name ?? ''}".`, attributePath('name')));
  }
  const namespace = known(config, 'namespace');
  if (namespace !== undefined && (namespace.length > 63 || !namespacePattern.test(namespace))) {
    diagnostics.push(errorDiagnostic('Invalid Namespace', `namespace must be a Kubernetes namespace name (at most 63 lowercase letters, digits and -); got "${namespace}".`, attributePath('namespace')));
  }
  for (const attribute of ['key', 'expires_at_key']) {
    const key = known(config, attribute);
    if (key !== undefined && (key.length > 253 || !dataKeyPattern.test(key))) {
      diagnostics.push(errorDiagnostic('Invalid Secret Key', `${attribute} must be a Secret data key (letters, digits, -, _ and ., not . or ..); got "${key}".`, attributePath(attribute)));
    }
  }
  if (known(config, 'storefront_token_id') === '') {
    diagnostics.push(errorDiagnostic('Invalid Token Id', 'storefront_token_id is empty; set it to sftoken_storefront_token.<name>.id, or leave it out.', attributePath('storefront_token_id')));
  }
  return diagnostics;
}
