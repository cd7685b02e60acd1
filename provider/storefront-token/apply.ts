import { randomUUID } from 'node:crypto';
import { capabilityTable } from '../../core/platforms/registry.js';
import type { Decision } from '../../core/reconcile/decide.js';
import type { DurableState } from '../../core/reconcile/durable-state.js';
import { renewAt, scheduleFor } from '../../core/reconcile/schedule.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { ProviderContext } from '../config/context.js';
import type { SecretRef } from '../config/secret-store.js';
import { errorDiagnostic } from '../framework/diagnostic.js';
import type { ApplyResult } from '../framework/resource.js';
import { isUnknown, type ObjectValue, type Value } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { toSpec } from './convert.js';
import { failureDiagnostic } from './diagnostics.js';
import { openRun, type TokenRun } from './engine.js';
import { displayNameOf, observationOf, observedFromPrior, viewOfState } from './facts.js';
import { ownedBy, secretRefOf } from './ownership.js';
import { specPart } from './plan.js';
import { viewOf, withView, type TokenView } from './token-view.js';
import { parseSpec } from './validate.js';

/** ApplyTokenInput is one create or update. */
export interface ApplyTokenInput {
  readonly prior: ObjectValue | null;
  readonly planned: ObjectValue;
  readonly context: ProviderContext;
  readonly signal: AbortSignal;
}

/** allowed says which steps the plan left room for: a step may only change what the plan marked unknown. */
function allowed(planned: ObjectValue): (decision: Decision) => boolean {
  return (decision) => {
    switch (decision.action) {
      case 'issue':
        return isUnknown(planned['fingerprint']);
      case 'revokePrevious':
        return isUnknown(planned['previous_fingerprint']);
      case 'revoke':
        return isUnknown(planned['revoked_at']);
      default:
        return true;
    }
  };
}

function priorSecretRef(prior: ObjectValue | null, defaultNamespace: string): SecretRef | undefined {
  if (prior === null) return undefined;
  const parsed = storefrontTokenSpecSchema.shape.secret.safeParse(toSpec(specPart(prior), specCodecs)['secret']);
  return parsed.success ? secretRefOf({ secret: parsed.data }, defaultNamespace) : undefined;
}

/** computedView is what a durable state gives Terraform state, with the renewal it schedules. */
export function computedView(state: DurableState, spec: StorefrontTokenSpec, now: Date): TokenView {
  const view = viewOfState(state);
  if (state.revokedAt !== undefined || view.expiresAt === undefined) return { ...view, renewAt: undefined };
  const issuedAt = view.issuedAt === undefined ? now : new Date(view.issuedAt);
  return { ...view, renewAt: renewAt(new Date(view.expiresAt), scheduleFor(spec, capabilityTable[spec.platform], issuedAt), view.fingerprint ?? '')?.toISOString() };
}

function finalState(planned: ObjectValue, run: TokenRun, spec: StorefrontTokenSpec, now: Date): ObjectValue {
  const { state } = run.store;
  const revoked = state.revokedAt !== undefined;
  const view: TokenView = {
    ...computedView(state, spec, now),
    id: run.store.id,
    status: revoked || spec.revoked ? 'revoked' : 'active',
    value: planned['expose_value'] === true ? state.current?.value?.reveal() : undefined,
  };
  const withRevocation = spec.revoked && view.revokedAt === undefined ? { ...view, revokedAt: now.toISOString() } : view;
  const warnings: Value = isUnknown(planned['warnings']) ? [] : planned['warnings'] ?? [];
  return { ...withView(planned, withRevocation), warnings };
}

/**
 * applyToken creates or updates one StorefrontToken through core's engine.
 * On failure the state returned is what is true now: null when nothing was
 * issued on create (the state Secret keeps any intent for the next run),
 * the token as far as apply got otherwise.
 */
export async function applyToken(input: ApplyTokenInput): Promise<ApplyResult> {
  const { prior, planned, context, signal } = input;
  const now = context.now();
  const parsed = parseSpec(specPart(planned), now);
  if (!parsed.ok) return { state: prior, diagnostics: parsed.diagnostics };
  const { spec } = parsed;
  let run: TokenRun | undefined;
  try {
    const namespace = await context.secrets.defaultNamespace();
    const destination = secretRefOf(spec, namespace);
    const from = priorSecretRef(prior, namespace);
    const moved = from !== undefined && (from.name !== destination.name || from.namespace !== destination.namespace);
    const view = viewOf(prior);
    const exposed = prior?.['expose_value'] === true ? view.value : undefined;
    const opened = await openRun({
      spec, context, signal, view, destination,
      existing: prior !== null,
      newId: randomUUID(),
      ...(moved ? { from } : {}),
      ...(exposed === undefined ? {} : { exposed }),
      ...(prior === null ? {} : { observation: observationOf(view, observedFromPrior(spec, toSpec(specPart(prior), specCodecs), displayNameOf(spec))) }),
    });
    if ('conflict' in opened) {
      return { state: prior, diagnostics: [errorDiagnostic('Secret Not Owned', `${opened.conflict}. No token was issued.`, [{ attribute: 'secret' }, { attribute: 'name' }])] };
    }
    run = opened.run;
    await run.run(allowed(planned));
    if (moved) {
      // Published at the new place (the engine saw it missing); the state
      // Secret follows it, and ours at the old place goes.
      await run.store.save(run.store.state);
      const old = await context.secrets.get(from, signal);
      if (old !== undefined && ownedBy(old, run.store.id)) await context.secrets.delete(from, signal);
    }
    return { state: finalState(planned, run, spec, now), diagnostics: run.diagnostics };
  } catch (error) {
    const diagnostics = [...(run?.diagnostics ?? []), failureDiagnostic(prior === null ? 'creating the token' : 'updating the token', error)];
    if (run === undefined || (prior === null && run.store.state.current === undefined)) return { state: prior, diagnostics };
    return { state: finalState(planned, run, spec, now), diagnostics };
  }
}
