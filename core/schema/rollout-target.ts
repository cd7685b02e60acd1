import { z } from 'zod';
import { field } from './meta.js';

// A restart target is a workload in the token's namespace whose pods read the
// token. After a new value is published the operator restarts each target
// once and revokes the previous token as soon as every target has rolled out
// (or the overlap ends, whichever is first). Operator only: Terraform acts at
// apply time and cannot wait for a rollout.

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** rolloutTargetKinds are the workload kinds that can be restarted by patching their pod template. */
export const rolloutTargetKinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

/** rolloutTargetSchema names one workload to restart after a new token is published. */
export const rolloutTargetSchema = z.strictObject({
  kind: field(z.enum(rolloutTargetKinds), { description: 'Workload kind: Deployment, StatefulSet or DaemonSet (apps/v1).' }),
  name: field(z.string().min(1).max(253).regex(dnsSubdomain, { message: 'must be a valid Kubernetes object name' }), {
    description: 'Name of the workload in the token\'s namespace.',
  }),
});

/** RolloutTarget is one workload to restart. */
export type RolloutTarget = z.output<typeof rolloutTargetSchema>;

/**
 * rolloutTargetsSchema is the list of restart targets: at most 20, each named
 * once. The duplicate check has no CEL twin: a pairwise rule over the list
 * costs more than the CRD's validation budget leaves; the operator refuses a
 * duplicate as InvalidSpec instead, before any restart.
 */
export const rolloutTargetsSchema = z.array(rolloutTargetSchema).min(1).max(20).superRefine((targets, ctx) => {
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    const id = `${t.kind}/${t.name}`;
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: `names ${id} twice` });
    seen.add(id);
  });
});
