import { z } from 'zod';
import type { ErrorMessageReader } from '../http/http-client.js';

const errorSchema = z.looseObject({
  title: z.string().optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
});

/** readBigCommerceError joins `title` and the `errors` map of BigCommerce's ErrorResponse. */
export const readBigCommerceError: ErrorMessageReader = (body) => {
  if (typeof body === 'string') return body;
  const parsed = errorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const details = Object.entries(parsed.data.errors ?? {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [parsed.data.title, ...details].filter((s) => s !== undefined && s !== '').join('; ');
};
