import { z } from 'zod';
import type { ErrorMessageReader } from '../http/http-client.js';

const errorSchema = z.looseObject({
  error: z.looseObject({
    code: z.string().optional(),
    message: z.string().optional(),
    details: z.array(z.looseObject({ field: z.string().optional(), reason: z.string().optional() })).optional(),
  }),
});

/** readAvvyrError reads `{error:{code, message, details[{field, reason}]}}`. */
export const readAvvyrError: ErrorMessageReader = (body) => {
  if (typeof body === 'string') return body;
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const e = parsed.data.error;
  const details = (e.details ?? []).map((d) => `${d.field ?? ''}: ${d.reason ?? ''}`);
  return [e.code, e.message, ...details].filter((s) => s !== undefined && s !== '').join('; ');
};

/** avvyrTokenWire is a Token as our Avvyr API document defines it. */
export const avvyrTokenWire = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  level: z.enum(['tenant', 'market']),
  tenantId: z.string(),
  marketId: z.string().nullable(),
  allowedOrigins: z.array(z.string()),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** AvvyrTokenWire is the parsed token. */
export type AvvyrTokenWire = z.output<typeof avvyrTokenWire>;
