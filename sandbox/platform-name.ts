/** PlatformName identifies one of the four token platforms the sandbox emulates. */
export type PlatformName = 'bigcommerce' | 'cloudflare' | 'wizcommerce' | 'avvyr';

/** PLATFORM_NAMES lists every platform in a stable order (used for iteration and validation of input). */
export const PLATFORM_NAMES: readonly PlatformName[] = ['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr'];

/** isPlatformName narrows an untrusted string (flag, JSON body) to a PlatformName. */
export function isPlatformName(value: unknown): value is PlatformName {
  return typeof value === 'string' && (PLATFORM_NAMES as readonly string[]).includes(value);
}
