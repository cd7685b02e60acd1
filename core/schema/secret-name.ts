import { z } from 'zod';
import { admit, celString } from './admission.js';

/**
 * STATE_SECRET_PREFIXES begin the names of the Secrets that hold durable
 * state: the operator's (`sftoken-state-<token>`) and the Terraform
 * provider's (`sftoken-tfstate-…`). A token delivered into one would
 * overwrite the state that lets its tokens be revoked.
 */
export const STATE_SECRET_PREFIXES = ['sftoken-state-', 'sftoken-tfstate-'] as const;

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const reserved = `must not start with ${STATE_SECRET_PREFIXES.join(' or ')}: those names are reserved for the state Secrets of the operator and the Terraform provider`;

/** secretNameSchema is the name of the Secret that receives a token: a Kubernetes name that is not a state Secret's. */
export const secretNameSchema = admit(
  z
    .string()
    .max(253)
    .regex(dnsSubdomain, { message: 'must be a valid Kubernetes object name (lowercase letters, digits, - and .)' })
    .refine((name) => !STATE_SECRET_PREFIXES.some((prefix) => name.startsWith(prefix)), { message: reserved }),
  [{ rule: STATE_SECRET_PREFIXES.map((prefix) => `!self.startsWith(${celString(prefix)})`).join(' && '), message: reserved }],
);
