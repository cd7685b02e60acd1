import { randomUUID } from 'node:crypto';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import type { ProviderContext } from '../config/context.js';
import { errorDiagnostic } from '../framework/diagnostic.js';
import type { ApplyResult } from '../framework/resource.js';
import type { ObjectValue } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { toSpec } from './convert.js';
import { failureDiagnostic } from './diagnostics.js';
import { openRun, type TokenRun } from './engine.js';
import { ownedBy, secretRefOf } from './ownership.js';
import { specPart } from './plan.js';
import { viewOf } from './token-view.js';

/**
 * deleteToken honours deletion_policy through core's engine, as the
 * operator's finalizer does. Revoke: settle an in-doubt create and revoke
 * every token (decided as if revoked were true), then delete the Secret this
 * resource wrote. Orphan: leave the token valid and the Secret in place.
 * Either way the state Secret goes last: until then it is what revokes.
 */
export async function deleteToken(prior: ObjectValue, context: ProviderContext, signal: AbortSignal): Promise<ApplyResult> {
  const parsed = storefrontTokenSpecSchema.safeParse(toSpec(specPart(prior), specCodecs));
  if (!parsed.success) return { state: prior, diagnostics: [errorDiagnostic('Unreadable Prior State', 'The resource\'s settings in state cannot be read, so its token cannot be revoked safely. Run `terraform state rm` and revoke the token at the platform by hand.')] };
  const spec = parsed.data;
  const view = viewOf(prior);
  let run: TokenRun | undefined;
  try {
    const destination = secretRefOf(spec, await context.secrets.defaultNamespace());
    const exposed = prior['expose_value'] === true ? view.value : undefined;
    const opened = await openRun({ spec, context, signal, view, destination, existing: true, newId: randomUUID(), ...(exposed === undefined ? {} : { exposed }) });
    if ('conflict' in opened) return { state: null, diagnostics: [errorDiagnostic('Secret Not Owned', `${opened.conflict}. Nothing was revoked.`)] };
    run = opened.run;
    if (spec.deletionPolicy !== 'Orphan') {
      await run.run((d) => d.action === 'resolveInDoubt' || d.action === 'revoke', { ...spec, revoked: true });
      const live = await context.secrets.get(destination, signal);
      if (live !== undefined && ownedBy(live, run.store.id)) await context.secrets.delete(destination, signal);
    }
    await run.store.remove();
    return { state: null, diagnostics: run.diagnostics };
  } catch (error) {
    return { state: prior, diagnostics: [...(run?.diagnostics ?? []), failureDiagnostic('revoking the token for deletion', error)] };
  }
}
