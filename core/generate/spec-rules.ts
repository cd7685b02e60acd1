import { capabilityTable } from '../platforms/registry.js';
import { celList, type AdmissionRule } from '../schema/admission.js';
import { celIsDuration, celSeconds, formatDuration } from '../schema/duration.js';
import { lifetimeDemand, rotationMessages } from '../schema/expiry.js';
import { platformNames, type PlatformName } from '../schema/platform.js';
import { formatSpecRules } from '../schema/secret-format.js';
import { storefrontTokenSpecSchema } from '../schema/storefront-token.js';
import { objectShape, walkFields } from '../schema/walk.js';

// The StorefrontToken rules that span fields, as CEL on spec: the platform
// block, fields that apply to some platforms only, what each platform's
// expiry capability demands of lifetime, and rotation against lifetime.
// validateSpec checks the same from the same metadata and capabilities;
// expiries given as a fixed time depend on the clock and stay there.
// Every rule is guarded with has(), because with required fields checked by
// CEL too (see admission.ts) a rule may meet an object missing any field.

const isPlatform = (names: readonly PlatformName[]): string => `has(self.platform) && self.platform in ${celList(names)}`;

function platformBlocks(): AdmissionRule[] {
  const shape = objectShape(storefrontTokenSpecSchema) ?? {};
  return platformNames.filter((p) => p in shape).map((p) => ({
    rule: `!(${isPlatform([p])}) || has(self.${p})`,
    message: `is required when platform is ${p}`,
    fieldPath: `.${p}`,
    reason: 'FieldValueRequired',
  }));
}

function applicability(): AdmissionRule[] {
  const rules: AdmissionRule[] = [];
  walkFields(storefrontTokenSpecSchema, ({ path, meta }) => {
    const name = path[0];
    if (path.length !== 1 || name === undefined || meta?.platforms === undefined) return;
    rules.push({
      // Only for a known platform: an unknown one reports only itself.
      rule: `!has(self.${name}) || !(${isPlatform(platformNames.filter((p) => !meta.platforms?.includes(p)))})`,
      messageExpression: `'does not apply to ' + self.platform + ' tokens (only ${meta.platforms.join(', ')})'`,
      fieldPath: `.${name}`,
      reason: 'FieldValueForbidden',
    });
  });
  return rules;
}

function lifetimeRules(): AdmissionRule[] {
  return platformNames.flatMap((p): AdmissionRule[] => {
    const demand = lifetimeDemand(p, capabilityTable[p]);
    if (demand.lifetime === 'required') return [{ rule: `!(${isPlatform([p])}) || has(self.lifetime)`, message: demand.message, fieldPath: '.lifetime', reason: 'FieldValueRequired' }];
    if (demand.lifetime === 'forbidden') return [{ rule: `!(${isPlatform([p])}) || !has(self.lifetime)`, message: demand.message, fieldPath: '.lifetime', reason: 'FieldValueForbidden' }];
    return [];
  });
}

const renewBefore = 'self.rotation.renewBefore';
const overlap = 'self.rotation.overlap';
const ttl = 'self.lifetime.ttl';
const hasRenewBefore = `has(self.rotation.renewBefore) && ${celIsDuration(renewBefore)}`;
const hasOverlap = `has(self.rotation.overlap) && ${celIsDuration(overlap)}`;
const hasTtl = `has(self.lifetime) && has(self.lifetime.ttl) && ${celIsDuration(ttl)}`;

// A rotation rule holds unless its premises hold and its conclusion fails;
// premises include well-formed durations, whose own errors come from the pattern.
function rotationRule(premises: readonly string[], conclusion: string, rest: Omit<AdmissionRule, 'rule'>): AdmissionRule {
  return { rule: `!(has(self.rotation) && ${premises.join(' && ')}) || ${conclusion}`, ...rest };
}

function rotationRules(): AdmissionRule[] {
  const never = platformNames.filter((p) => capabilityTable[p].expiry === 'none');
  const fixed = platformNames.filter((p) => capabilityTable[p].expiry === 'fixed');
  const rules: AdmissionRule[] = [{
    rule: `!has(self.rotation) || (!(${isPlatform(never)}) && (has(self.lifetime) || ${isPlatform(fixed)}))`,
    message: rotationMessages.needsExpiry,
    fieldPath: '.rotation',
  }];
  // Against a ttl, and against each fixed lifetime; renewBefore defaults to a third of it.
  const lifetimes = [
    { premise: hasTtl, seconds: celSeconds(ttl), shown: ttl },
    ...fixed.map((p) => {
      const seconds = capabilityTable[p].fixedLifetimeSeconds ?? 0;
      return { premise: `${isPlatform([p])} && !has(self.lifetime)`, seconds: String(seconds), shown: `'${formatDuration(seconds)}'` };
    }),
  ];
  for (const { premise, seconds, shown } of lifetimes) {
    rules.push(rotationRule([premise, hasRenewBefore], `${celSeconds(renewBefore)} < ${seconds}`, {
      messageExpression: `'${rotationMessages.renewBefore(`' + ${renewBefore} + '`, `' + ${shown} + '`)}'`,
      fieldPath: '.rotation.renewBefore',
    }));
    rules.push(rotationRule([premise, `!has(self.rotation.renewBefore)`, hasOverlap], `${celSeconds(overlap)} * 3 <= ${seconds}`, {
      message: `${rotationMessages.overlap} (renewBefore defaults to a third of the lifetime)`,
      fieldPath: '.rotation.overlap',
    }));
  }
  rules.push(rotationRule([hasRenewBefore, hasOverlap], `${celSeconds(overlap)} <= ${celSeconds(renewBefore)}`, {
    message: rotationMessages.overlap,
    fieldPath: '.rotation.overlap',
  }));
  return rules;
}

/** specRules are the CEL rules on StorefrontToken.spec that span fields. */
export function specRules(): AdmissionRule[] {
  return [...platformBlocks(), ...applicability(), ...lifetimeRules(), ...rotationRules(), ...formatSpecRules(platformNames)];
}
