import { z } from 'zod';
import type { ErrorMessageReader } from '../http/http-client.js';

const errorSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  details: z.array(z.looseObject({ field: z.string().optional(), reason: z.string().optional() })).optional(),
});

/** readWizCommerceError reads the (unconfirmed) `{code, message, details[{field, reason}]}` envelope. */
export const readWizCommerceError: ErrorMessageReader = (body) => {
  if (typeof body === 'string') return body;
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const details = (parsed.data.details ?? []).map((d) => `${d.field ?? ''}: ${d.reason ?? ''}`);
  return [parsed.data.code, parsed.data.message, ...details].filter((s) => s !== undefined && s !== '').join('; ');
};
