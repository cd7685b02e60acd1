import type { Capabilities } from '../contract/capabilities.js';
import type { PlatformName } from './platform.js';

/** A LifetimeDemand is what a platform's expiry capability asks of spec.lifetime, and why. */
export interface LifetimeDemand {
  /** lifetime is whether spec.lifetime must, may or must not be set. */
  readonly lifetime: 'required' | 'optional' | 'forbidden';
  /** message is the reason, in the words validateSpec and the CRD both use. */
  readonly message: string;
}

/** lifetimeDemand reads a platform's expiry capability as a demand on spec.lifetime. */
export function lifetimeDemand(platform: PlatformName, caps: Capabilities): LifetimeDemand {
  switch (caps.expiry) {
    case 'required':
      return { lifetime: 'required', message: `is required: ${platform} tokens must have an expiry (set ttl, e.g. 720h)` };
    case 'fixed':
      return { lifetime: 'forbidden', message: `cannot be set: ${platform} sets every token's lifetime itself (${Math.round((caps.fixedLifetimeSeconds ?? 0) / 86_400)} days)` };
    case 'none':
      return { lifetime: 'forbidden', message: `cannot be set: ${platform} tokens do not expire` };
    case 'optional':
      return { lifetime: 'optional', message: '' };
  }
}

/** rotationMessages are the reasons a rotation is refused, shared by validateSpec and the CRD. */
export const rotationMessages = {
  needsExpiry: 'needs tokens that expire: set lifetime, or remove rotation',
  overlap: 'must not exceed renewBefore: the previous token expires before the overlap ends',
  renewBefore: (renewBefore: string, lifetime: string): string => `must be shorter than the token lifetime (${renewBefore} is not shorter than ${lifetime})`,
} as const;
