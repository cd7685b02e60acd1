import { z } from 'zod';
import { admit } from '../../schema/admission.js';
import { cidrSchema } from '../../schema/cidr.js';
import { cloudflareIdSchema } from '../../schema/ids.js';
import { field } from '../../schema/meta.js';

// The platform's block of StorefrontToken.spec: its scope and its own settings,
// with the metadata the CRD, Terraform schema and docs generators read.

/** cloudflarePolicySchema is one Cloudflare token policy. */
export const cloudflarePolicySchema = z.strictObject({
  effect: field(z.enum(['allow', 'deny']).default('allow'), { description: 'Whether the policy allows or denies the permission groups on the resources.' }),
  permissionGroups: field(z.array(cloudflareIdSchema('permission group id')).min(1, { message: 'must list at least one permission group id' }), {
    description: 'Permission group ids, as listed by GET /accounts/{account_id}/tokens/permission_groups.',
  }),
  resources: field(admit(z.record(z.string().min(1), z.string().min(1)).refine((r) => Object.keys(r).length > 0, { message: 'must name at least one resource' }), [
    { rule: 'self.size() > 0', message: 'must name at least one resource' },
  ]), {
    description: 'Resources the policy covers, e.g. {"com.cloudflare.api.account.<account_id>": "*"}; a value may be a JSON object for nested scopes.',
  }),
});

/** cloudflareSpecSchema is the Cloudflare block: account, policies, IP condition, not-before. */
export const cloudflareSpecSchema = z.strictObject({
  accountId: field(cloudflareIdSchema('account id'), {
    description: 'Account that owns the token.',
    change: 'immutable',
  }),
  // 50 is our bound, not a documented Cloudflare limit: CEL rules on each
  // policy need a bounded list to be admitted.
  policies: field(z.array(cloudflarePolicySchema).min(1, { message: 'must list at least one policy' }).max(50, { message: 'must list at most 50 policies' }), {
    description: 'Access policies; updated in place on the existing token.',
    change: 'inPlace',
  }),
  condition: field(z.strictObject({
    requestIp: z.strictObject({
      in: field(z.array(cidrSchema).max(100).optional(), { description: 'Client IP ranges the token may be used from.' }),
      notIn: field(z.array(cidrSchema).max(100).optional(), { description: 'Client IP ranges the token may not be used from.' }),
    }),
  }).optional(), {
    description: 'Restricts where the token may be used from; updated in place.',
    change: 'inPlace',
  }),
  notBefore: field(z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time such as 2026-12-01T00:00:00Z' }).optional(), {
    description: 'The token is not valid before this time; updated in place.',
    change: 'inPlace',
  }),
});
