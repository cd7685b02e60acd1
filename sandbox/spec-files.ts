import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from './sandbox-error.js';

/** packageRoot finds the repository root (the nearest package.json) from this module, in source or in dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new SandboxError('SANDBOX_SPEC_NOT_FOUND', 'cannot locate the package root from the sandbox module');
    dir = parent;
  }
}

/** AVVYR_SPEC_RELATIVE is where our Avvyr OpenAPI document lives in the repository. */
export const AVVYR_SPEC_RELATIVE = 'sandbox/openapi/avvyr.openapi.yaml';

/**
 * WIZCOMMERCE_SPEC_RELATIVE is where the WizCommerce OpenAPI document lives: written by
 * this project from the documented bodies (its header says so), kept beside the Avvyr one.
 */
export const WIZCOMMERCE_SPEC_RELATIVE = 'sandbox/openapi/wizcommerce.openapi.yaml';

/** readAvvyrSpec returns our Avvyr OpenAPI document as YAML text (served by the sandbox and used for validation). */
export function readAvvyrSpec(): string {
  return readOwnSpec(AVVYR_SPEC_RELATIVE);
}

/** readWizCommerceSpec returns the WizCommerce OpenAPI document we wrote from the docs, as YAML text. */
export function readWizCommerceSpec(): string {
  return readOwnSpec(WIZCOMMERCE_SPEC_RELATIVE);
}

function readOwnSpec(relative: string): string {
  try {
    return readFileSync(join(packageRoot(), relative), 'utf8');
  } catch (cause) {
    throw new SandboxError('SANDBOX_SPEC_NOT_FOUND', `cannot read ${relative}`, { cause });
  }
}

/** defaultSpecsDir is $SFTOKEN_SPECS_DIR, else `<repo>/../shared/specs`. */
export function defaultSpecsDir(): string {
  return resolve(process.env['SFTOKEN_SPECS_DIR'] ?? join(packageRoot(), '..', 'shared', 'specs'));
}

/** VENDOR_SPEC_FILES names the vendor OpenAPI files the conformance checker loads from the specs directory. */
export const VENDOR_SPEC_FILES = {
  bigcommerce: 'bigcommerce-storefront_tokens.v3.yml',
  cloudflare: 'cloudflare-account-tokens.openapi.json',
} as const;

/** readSpecFile reads one vendor spec file with a coded error when it is missing. */
export function readSpecFile(specsDir: string, file: string): string {
  try {
    return readFileSync(join(specsDir, file), 'utf8');
  } catch (cause) {
    throw new SandboxError('SANDBOX_SPEC_NOT_FOUND', `cannot read vendor spec ${file} in ${specsDir}`, { cause });
  }
}
