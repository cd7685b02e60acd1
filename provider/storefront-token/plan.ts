import { capabilityTable } from '../../core/platforms/registry.js';
import { decide, type Decision } from '../../core/reconcile/decide.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import { errorDiagnostic, warningDiagnostic, type AttributePath, type Diagnostic } from '../framework/diagnostic.js';
import type { PlanResult } from '../framework/resource.js';
import { Unknown, isObjectValue, isUnknown, valuesEqual, type ObjectValue, type Value } from '../framework/value.js';
import { specCodecs, type FieldCodec } from './codec.js';
import { containsUnknown, fillDefaults, toSpec } from './convert.js';
import { factsOf } from '../../core/reconcile/facts-of.js';
import { SecretValue } from '../../core/secret.js';
import { displayNameOf, observationOf, observedFromPrior, secretStateOf, stateFromView } from './facts.js';
import { attributeOfView, viewOf, type ViewKey } from './token-view.js';
import { parseSpec } from './validate.js';

const TOKEN: readonly ViewKey[] = ['tokenId', 'fingerprint', 'issuedAt', 'expiresAt', 'renewAt', 'status'];
const PREVIOUS: readonly ViewKey[] = ['previousTokenId', 'previousFingerprint', 'previousRevokeAt'];

/** PlanInput is what planning one StorefrontToken needs. */
export interface PlanTokenInput {
  readonly prior: ObjectValue | null;
  readonly config: ObjectValue;
  readonly now: Date;
}

/** specPart keeps only the spec attributes of a state or config. */
export function specPart(value: ObjectValue): ObjectValue {
  return Object.fromEntries(specCodecs.map((c) => [c.attribute, value[c.attribute] ?? null]));
}

function immutablePaths(codecs: readonly FieldCodec[], prior: ObjectValue, planned: ObjectValue, prefix: AttributePath = []): AttributePath[] {
  const out: AttributePath[] = [];
  for (const codec of codecs) {
    const before = prior[codec.attribute] ?? null;
    const after = planned[codec.attribute] ?? null;
    const path = [...prefix, { attribute: codec.attribute }];
    // A null prior value is one import could not see; adopting the config's value is not a replacement.
    if (codec.meta?.change === 'immutable' && before !== null && !valuesEqual(before, after)) out.push(path);
    else if (codec.kind === 'object' && isObjectValue(before) && isObjectValue(after)) out.push(...immutablePaths(codec.children, before, after, path));
  }
  return out;
}

function mark(planned: Record<string, Value>, keys: readonly ViewKey[], value: Value = Unknown): void {
  for (const key of keys) planned[attributeOfView(key)] = value;
}

function exposeOf(config: ObjectValue): Value {
  const v = config['expose_value'] ?? null;
  return v === null ? false : v;
}

function freshPlan(filled: ObjectValue, expose: Value, warnings: Value, revoked: Value): ObjectValue {
  const planned: Record<string, Value> = { ...filled, id: Unknown, warnings, expose_value: expose };
  mark(planned, TOKEN);
  mark(planned, PREVIOUS, null);
  planned['revoked_at'] = revoked === false ? null : Unknown;
  planned['value'] = expose === false ? null : Unknown;
  return planned;
}

function warningsOf(spec: StorefrontTokenSpec | undefined, warnings: readonly { message: string; path: readonly (string | number)[] }[]): Value {
  if (spec === undefined) return Unknown;
  return warnings.map((w) => `${w.path.join('.')} ${w.message}`);
}

/**
 * planToken plans one StorefrontToken. Immutable fields force replacement;
 * everything else goes through the shared decide(), so the provider makes
 * the operator's decisions: a new token (its computed attributes unknown
 * until apply), an in-place update, a republish, the end of an overlap, a
 * revocation, or nothing. Pure apart from `now`.
 */
export function planToken(input: PlanTokenInput): PlanResult {
  const { prior, config, now } = input;
  const filled = fillDefaults(specPart(config), specCodecs);
  const expose = exposeOf(config);
  const known = !containsUnknown(filled);
  const parsed = known ? parseSpec(filled, now) : undefined;
  if (parsed !== undefined && !parsed.ok) return { planned: { ...filled }, diagnostics: parsed.diagnostics };
  const spec = parsed?.ok === true ? parsed.spec : undefined;
  const warnings = warningsOf(spec, parsed?.ok === true ? parsed.warnings : []);
  if (prior === null) return { planned: freshPlan(filled, expose, warnings, filled['revoked'] ?? false) };

  if (prior['revoked'] === true && filled['revoked'] === false) {
    return {
      planned: { ...prior },
      diagnostics: [errorDiagnostic('Revocation Is Permanent', 'revoked cannot be set back to false: the token was revoked at the platform and is never reissued. Create a new resource (or use -replace) for a new token.', [{ attribute: 'revoked' }])],
    };
  }
  const replace = immutablePaths(specCodecs, specPart(prior), filled);
  if (replace.length > 0) return { planned: freshPlan(filled, expose, warnings, filled['revoked'] ?? false), requiresReplace: replace };

  const planned: Record<string, Value> = { ...prior, ...filled, warnings, expose_value: expose };
  if (spec === undefined) {
    // Unknown settings: the outcome is known only at apply.
    mark(planned, [...TOKEN, ...PREVIOUS, 'revokedAt']);
    planned['value'] = expose === false ? null : Unknown;
    return { planned };
  }
  const { decision, diagnostics, issueAfter } = decisionFor(spec, prior, now);
  if (decision.action === 'blocked') return { planned, diagnostics: [errorDiagnostic('Secret Not Owned', `${decision.message}.`, [{ attribute: 'secret' }, { attribute: 'name' }])] };
  applyDecision(planned, decision, issueAfter, !valuesEqual(specPart(prior), filled));
  const view = viewOf(prior);
  // An imported token's value was never seen: whatever else apply does, it delivers a new one.
  if (view.status === 'imported' && decision.action !== 'wait') mark(planned, TOKEN);
  if (expose === false) planned['value'] = null;
  else if (isUnknown(expose) || view.value === undefined) planned['value'] = Unknown;
  return { planned, diagnostics };
}

function applyDecision(planned: Record<string, Value>, decision: Decision, issueAfter: boolean, changed: boolean): void {
  switch (decision.action) {
    case 'issue':
      mark(planned, [...TOKEN, ...PREVIOUS]);
      planned['value'] = Unknown;
      return;
    case 'revokePrevious':
      mark(planned, PREVIOUS);
      mark(planned, issueAfter ? TOKEN : ['status', 'renewAt']);
      return;
    case 'revoke':
      mark(planned, [...PREVIOUS, 'revokedAt', 'status', 'renewAt']);
      return;
    case 'update':
    case 'publish':
    case 'retractSecret':
    case 'resolveInDoubt':
      mark(planned, ['status', 'renewAt']);
      return;
    case 'blocked':
    case 'wait':
      if (changed) mark(planned, ['status', 'renewAt']);
  }
}

function decisionFor(spec: StorefrontTokenSpec, prior: ObjectValue, now: Date): { decision: Decision; diagnostics: Diagnostic[]; issueAfter: boolean } {
  const view = viewOf(prior);
  const name = displayNameOf(spec);
  // A plan reads no cluster: the refresh's status says whether a copy of
  // the value is kept (everything but `secret_lost` and `imported`).
  const valueKept = view.status !== 'secret_lost' && view.status !== 'imported';
  const state = stateFromView(view, { current: valueKept ? new SecretValue(view.value ?? 'kept') : undefined });
  const facts = factsOf({
    spec,
    name,
    capabilities: capabilityTable[spec.platform],
    now,
    state,
    observation: observationOf(view, observedFromPrior(spec, toSpec(specPart(prior), specCodecs), name)),
    secret: secretStateOf(view.status),
  });
  const decision = decide(facts);
  // decide() ends an overlap before issuing again (never three valid tokens);
  // apply then issues in the same run, so the plan must say so.
  const { previous: _previous, ...withoutPrevious } = facts;
  const issueAfter = decision.action === 'revokePrevious' && decide(withoutPrevious).action === 'issue';
  const diagnostics: Diagnostic[] = [];
  const caps = capabilityTable[spec.platform];
  if (decision.action === 'issue' && view.status === 'imported') {
    diagnostics.push(
      warningDiagnostic(
        'Imported Token Will Be Replaced',
        caps.roll
          ? 'The imported token\'s value was never seen, so this apply rolls it (same token id, new value; the old value stops working at once) and writes the new value to the Secret.'
          : 'The imported token\'s value was never seen, so this apply issues a new token, writes it to the Secret, and revokes the imported one.',
      ),
    );
  }
  return { decision, diagnostics, issueAfter };
}
