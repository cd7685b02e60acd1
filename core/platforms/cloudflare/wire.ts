import { z } from 'zod';
import type { ErrorMessageReader } from '../http/http-client.js';

const failureSchema = z.looseObject({
  errors: z.array(z.looseObject({ code: z.number().optional(), message: z.string().optional() })).optional(),
});

/** readCloudflareError joins the envelope's `errors[]` as "code message". */
export const readCloudflareError: ErrorMessageReader = (body) => {
  if (typeof body === 'string') return body;
  const parsed = failureSchema.safeParse(body);
  if (!parsed.success) return undefined;
  return (parsed.data.errors ?? []).map((e) => [e.code, e.message].filter((p) => p !== undefined).join(' ')).join('; ');
};

/** cloudflarePolicyWire is a policy as the API sends it. */
export const cloudflarePolicyWire = z.looseObject({
  id: z.string().optional(),
  effect: z.enum(['allow', 'deny']),
  permission_groups: z.array(z.looseObject({ id: z.string() })),
  resources: z.record(z.string(), z.unknown()),
});

/** cloudflareTokenWire is a token object (`iamTokenBase`) as the API sends it; `value` only from create. */
export const cloudflareTokenWire = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  status: z.string(),
  policies: z.array(cloudflarePolicyWire).default([]),
  condition: z
    .looseObject({
      request_ip: z.looseObject({ in: z.array(z.string()).optional(), not_in: z.array(z.string()).optional() }).nullish(),
    })
    .nullish(),
  expires_on: z.string().nullish(),
  not_before: z.string().nullish(),
  issued_on: z.string().nullish(),
  last_used_on: z.string().nullish(),
  value: z.string().optional(),
});

/** CloudflareTokenWire is the parsed token object. */
export type CloudflareTokenWire = z.output<typeof cloudflareTokenWire>;

/** envelope wraps a result schema in Cloudflare's `{success, errors, messages, result}`. */
export function envelope<T extends z.ZodType>(result: T) {
  return z.looseObject({
    success: z.literal(true),
    result,
    result_info: z.looseObject({ page: z.number().optional(), per_page: z.number().optional(), total_count: z.number().optional(), count: z.number().optional() }).nullish(),
  });
}
