import { z } from 'zod';
import { field } from './meta.js';

/** conditionSchema is a Kubernetes-style condition (metav1.Condition). */
export const conditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
  observedGeneration: z.number().int().optional(),
});

/** tokenRecordSchema identifies one issued token without revealing it. */
export const tokenRecordSchema = z.object({
  id: field(z.string().optional(), { description: 'Platform token id, where the platform assigns one.', computed: true }),
  fingerprint: field(z.string(), { description: 'First 12 hex digits of the SHA-256 of the token value; never the value.', computed: true }),
  issuedAt: field(z.string(), { description: 'When the token was issued (RFC 3339).', computed: true }),
  expiresAt: field(z.string().optional(), { description: 'When the token expires (RFC 3339), from the platform or the JWT claims.', computed: true }),
});

/** historyEntrySchema is one retired token in the short history. */
export const historyEntrySchema = tokenRecordSchema.extend({
  retiredAt: z.string(),
  reason: z.enum(['Rotated', 'Changed', 'Repaired', 'Revoked', 'Lost', 'Requested', 'Leaked']),
});

/** rolloutTargetStatusSchema is one restart target as the last reconcile saw it. */
export const rolloutTargetStatusSchema = z.object({
  kind: z.string(),
  name: z.string(),
  state: z.enum(['RestartPending', 'RollingOut', 'RolledOut', 'NotRestarted', 'NotFound', 'Unreadable']),
  message: z.string().optional(),
});

/** rolloutStatusSchema is the restart of the consumers for the current token. */
export const rolloutStatusSchema = z.object({
  token: z.string(),
  restartedAt: z.string().optional(),
  targets: z.array(rolloutTargetStatusSchema),
});

/** storefrontTokenStatusSchema is the observed state of one StorefrontToken. */
export const storefrontTokenStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  conditions: z.array(conditionSchema).optional(),
  current: field(tokenRecordSchema.optional(), { description: 'The token currently published in the Secret.', computed: true }),
  previous: field(tokenRecordSchema.extend({ revokeAt: z.string() }).optional(), {
    description: 'The previous token, still valid during the rotation overlap, and when it will be revoked.',
    computed: true,
  }),
  renewAt: field(z.string().optional(), { description: 'When the next rotation is due (RFC 3339).', computed: true }),
  revokedAt: field(z.string().optional(), { description: 'When the token was revoked (RFC 3339).', computed: true }),
  lastRotateRequest: field(z.string().optional(), {
    description: 'The last `sftoken.dev/rotate` annotation value acted on; a different value rotates the token once more.',
    computed: true,
  }),
  rollout: field(rolloutStatusSchema.optional(), {
    description: 'The restart of spec.rolloutRestartTargets for the current token (by fingerprint): when it was done, and each target\'s state (RestartPending, RollingOut, RolledOut, NotRestarted, NotFound, Unreadable).',
    computed: true,
  }),
  history: field(z.array(historyEntrySchema).max(10).optional(), { description: 'The last retired tokens, newest first.', computed: true }),
  warnings: field(z.array(z.string()).optional(), { description: 'Things that work but deserve attention, e.g. a token usable from any origin.', computed: true }),
});

/** StorefrontTokenStatus is the status object. */
export type StorefrontTokenStatus = z.output<typeof storefrontTokenStatusSchema>;
/** TokenRecord identifies one issued token without revealing it. */
export type TokenRecord = z.output<typeof tokenRecordSchema>;
/** Condition is a Kubernetes-style condition. */
export type Condition = z.output<typeof conditionSchema>;
