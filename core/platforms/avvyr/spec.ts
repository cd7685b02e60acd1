import { z } from 'zod';
import { admit } from '../../schema/admission.js';
import { avvyrIdSchema } from '../../schema/ids.js';
import { field } from '../../schema/meta.js';
import { originSchema } from '../../schema/origin.js';

// The platform's block of StorefrontToken.spec: its scope and its own settings,
// with the metadata the CRD, Terraform schema and docs generators read.

/** avvyrSpecSchema is the Avvyr block: tenant or market level, and allowed origins. */
export const avvyrSpecSchema = admit(z.strictObject({
  tenantId: field(avvyrIdSchema('tenant id'), { description: 'Avvyr tenant id, as in /v1/tenants/{tenantId}.', change: 'immutable' }),
  level: field(z.enum(['tenant', 'market']).default('tenant'), {
    description: 'tenant: shared across all markets; market: scoped to marketId.',
    change: 'immutable',
  }),
  marketId: field(avvyrIdSchema('market id').optional(), { description: 'Market id; required when level is market.', change: 'immutable' }),
  allowedOrigins: field(z.array(originSchema).max(20, { message: 'must list at most 20 origins' }).default([]), {
    description: 'Browser origins allowed to use the token; empty allows every origin (development only). Updated in place.',
    change: 'inPlace',
    emptyWarning: 'is empty, so the token works from any origin (Avvyr: "Allows all origins (Development)"); list your storefront origins for production',
  }),
}).superRefine((block, ctx) => {
  if (block.level === 'market' && block.marketId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['marketId'], message: 'is required when level is market' });
  }
  if (block.level === 'tenant' && block.marketId !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['marketId'], message: 'must not be set when level is tenant' });
  }
}), [
  { rule: "!has(self.level) || self.level != 'market' || has(self.marketId)", message: 'is required when level is market', fieldPath: '.marketId', reason: 'FieldValueRequired' },
  { rule: "!has(self.level) || self.level != 'tenant' || !has(self.marketId)", message: 'must not be set when level is tenant', fieldPath: '.marketId', reason: 'FieldValueForbidden' },
]);
