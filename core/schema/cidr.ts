import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { admit } from './admission.js';

/** CIDR_MAX_LENGTH bounds one CIDR: the longest IPv6 prefix with an embedded IPv4 address is 49 characters. */
export const CIDR_MAX_LENGTH = 64;

/**
 * isCidr says whether text is an IPv4 or IPv6 prefix the way Go's
 * netip.ParsePrefix reads one, which is what the API server's CEL isCIDR()
 * uses: no leading zeros in octets or prefix length, no IPv6 zone.
 */
export function isCidr(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  if (address === undefined || bits === undefined || rest.length > 0 || !/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  if (isIPv4(address)) return Number(bits) <= 32;
  return !address.includes('%') && isIPv6(address) && Number(bits) <= 128;
}

const message = 'must be an IPv4 or IPv6 CIDR such as 192.0.2.0/24 or 2001:db8::/32';

/** cidrSchema is one client IP range, checked by isCidr here and by isCIDR() at admission. */
export const cidrSchema = admit(
  z.string().max(CIDR_MAX_LENGTH).refine((text) => isCidr(text), { message }),
  [{ rule: 'isCIDR(self)', message }],
);
