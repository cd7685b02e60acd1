import { diffSpec, type FieldChange } from './diff.js';
import type { IssueReason, TokenFacts } from './facts.js';
import { describeTargets, dueForRestart, waitingFor, type ConsumerRef } from './rollout.js';
import { renewAt, scheduleFor } from './schedule.js';

/**
 * A Decision is the one next step for a token, with a machine reason and a
 * human message that front ends turn into conditions, events or diagnostics.
 * Front ends carry out the step and gather facts again; one step at a time
 * keeps every intermediate state recoverable after a crash.
 */
export type Decision =
  | { readonly action: 'resolveInDoubt'; readonly reason: 'CreateInDoubt'; readonly message: string }
  | { readonly action: 'issue'; readonly reason: IssueReason; readonly message: string; readonly request?: string }
  | { readonly action: 'update'; readonly reason: 'Changed'; readonly message: string; readonly fields: readonly FieldChange[] }
  | { readonly action: 'publish'; readonly reason: 'SecretRepaired'; readonly message: string }
  | { readonly action: 'revokePrevious'; readonly reason: 'OverlapEnded' | 'RolledOut'; readonly message: string }
  | { readonly action: 'restartConsumers'; readonly reason: 'Restart'; readonly message: string; readonly targets: readonly ConsumerRef[] }
  | { readonly action: 'revoke'; readonly reason: 'Revoked'; readonly message: string }
  | { readonly action: 'retractSecret'; readonly reason: 'Revoked'; readonly message: string }
  | { readonly action: 'blocked'; readonly reason: 'SecretNotOwned'; readonly message: string }
  | { readonly action: 'wait'; readonly reason: 'Ready' | 'Revoked' | 'Terminating' | 'Paused'; readonly message: string; readonly until?: Date };

type Check = (facts: TokenFacts) => Decision | undefined;

/**
 * checks run in order and the first that returns a decision wins. The order
 * is the policy: settle what is in doubt, honour revocation, never touch a
 * Secret we do not own, then repair, change, renew, republish, and finally
 * end overlaps.
 */
const checks: readonly Check[] = [
  paused, // the user paused it: nothing but revocation happens
  inDoubtCreate, // a lost create response must be settled before anything else is issued
  revocation, // revoked: true wins over every repair and renewal
  foreignSecret, // never overwrite a Secret this token does not own
  terminating, // a namespace being deleted gets no new token and no repair, only revocation
  noToken, // first issue
  deadToken, // revoked or expired at the platform: issue a replacement
  rotateNow, // the user asked for a new token (or reported the current one leaked)
  changedSpec, // desired settings differ from the token's
  renewal, // close to expiry
  lostSecret, // Secret deleted or edited
  overlapEnded, // previous token's overlap is over (the hard limit, or at once for a leak)
  restartConsumers, // a new token was published: restart the targets once
  consumersRolledOut, // every target runs the new token: the previous one may go before the overlap ends
];

/** decide returns the next step for a token; it is pure and never throws. */
export function decide(facts: TokenFacts): Decision {
  for (const check of checks) {
    const decision = check(facts);
    if (decision !== undefined) return atMostTwo(facts, answering(facts, decision));
  }
  return idle(facts);
}

// A new token while the previous one is still valid would make three at
// once; end the overlap early instead, so no resource ever holds more than
// the current token and one predecessor.
function atMostTwo(facts: TokenFacts, decision: Decision): Decision {
  if (decision.action !== 'issue' || facts.previous === undefined) return decision;
  return { action: 'revokePrevious', reason: 'OverlapEnded', message: `A new token is needed; revoking the previous token ${facts.previous.record.fingerprint} first so at most two are ever valid` };
}

// Any new token answers an outstanding rotate-now request: it is recorded
// with that token, so a first issue or a repair does not rotate twice.
function answering(facts: TokenFacts, decision: Decision): Decision {
  if (decision.action !== 'issue' || facts.rotateRequest === undefined) return decision;
  return { ...decision, request: facts.rotateRequest.value };
}

// Pause stops issuing, rotating, repairing and settling; it never stops a
// revocation (revoked: true, or deletion with Revoke, decided as revoked).
function paused(facts: TokenFacts): Decision | undefined {
  if (facts.paused !== true || facts.spec.revoked) return undefined;
  return { action: 'wait', reason: 'Paused', message: 'Reconciling is paused by sftoken.dev/paused: nothing is issued, rotated or repaired until it is removed; revocation and deletion still run' };
}

function inDoubtCreate(facts: TokenFacts): Decision | undefined {
  if (facts.pendingCreate === undefined) return undefined;
  return { action: 'resolveInDoubt', reason: 'CreateInDoubt', message: 'A token create got no answer; finding out whether it was issued' };
}

function revocation(facts: TokenFacts): Decision | undefined {
  if (!facts.spec.revoked) return undefined;
  if (facts.revokedAt === undefined && (facts.current !== undefined || facts.previous !== undefined)) {
    return { action: 'revoke', reason: 'Revoked', message: 'Revoking the token at the platform as requested by spec.revoked' };
  }
  if (facts.secret === 'current' || facts.secret === 'stale') {
    return { action: 'retractSecret', reason: 'Revoked', message: `Token revoked; ${facts.spec.secret.onRevoke === 'Delete' ? 'deleting' : 'emptying'} Secret ${facts.spec.secret.name}` };
  }
  return { action: 'wait', reason: 'Revoked', message: 'Token revoked at the platform; it will not be reissued' };
}

function foreignSecret(facts: TokenFacts): Decision | undefined {
  if (facts.secret !== 'foreign') return undefined;
  return { action: 'blocked', reason: 'SecretNotOwned', message: `Secret ${facts.spec.secret.name} exists and is not owned by this token; rename spec.secret.name or delete that Secret` };
}

function terminating(facts: TokenFacts): Decision | undefined {
  if (facts.terminating !== true) return undefined;
  return { action: 'wait', reason: 'Terminating', message: 'The namespace is being deleted; nothing is issued or repaired, and the deletion policy runs when the token is deleted' };
}

function noToken(facts: TokenFacts): Decision | undefined {
  if (facts.current !== undefined) return undefined;
  return { action: 'issue', reason: 'Initial', message: 'Issuing the first token' };
}

function deadToken(facts: TokenFacts): Decision | undefined {
  const state = facts.current?.observation.state;
  if (state !== 'revoked' && state !== 'expired' && state !== 'missing') return undefined;
  return { action: 'issue', reason: 'Repair', message: `The current token is ${state} at the platform; issuing a replacement` };
}

function rotateNow(facts: TokenFacts): Decision | undefined {
  const request = facts.rotateRequest;
  if (request === undefined || facts.current === undefined) return undefined;
  if (request.revokePreviousNow) {
    return { action: 'issue', reason: 'Leaked', message: `Rotation with revoke-previous-now requested (${request.value}): issuing a new token and revoking ${facts.current.record.fingerprint} as soon as it is published` };
  }
  return { action: 'issue', reason: 'Requested', message: `Rotation requested (${request.value}): issuing a new token; ${facts.current.record.fingerprint} stays valid for the overlap` };
}

function changedSpec(facts: TokenFacts): Decision | undefined {
  const current = facts.current;
  if (current === undefined) return undefined;
  const observed = current.observation.observed ?? current.issued;
  const issued = current.issued;
  const changes = [
    ...(observed === undefined ? [] : diffSpec(facts.spec, observed, facts.name)),
    ...(issued === undefined || issued === observed ? [] : diffSpec(facts.spec, issued, facts.name)),
  ];
  if (changes.length === 0) return undefined;
  const fields = [...new Map(changes.map((c) => [c.path.join('.'), c])).values()];
  const names = fields.map((c) => c.path.join('.')).join(', ');
  if (fields.some((c) => c.change === 'rotate')) {
    return { action: 'issue', reason: 'Changed', message: `${names} changed and is part of the token itself; issuing a new token` };
  }
  return { action: 'update', reason: 'Changed', message: `Updating ${names} on the existing token`, fields };
}

function renewal(facts: TokenFacts): Decision | undefined {
  const due = renewDue(facts);
  if (due === undefined || due.getTime() > facts.now.getTime()) return undefined;
  return { action: 'issue', reason: 'Rotation', message: `The token expires at ${facts.current?.record.expiresAt ?? 'an unknown time'}; issuing its successor` };
}

function lostSecret(facts: TokenFacts): Decision | undefined {
  if (facts.secret === 'current') return undefined;
  if (facts.valueKept) {
    return { action: 'publish', reason: 'SecretRepaired', message: `Secret ${facts.spec.secret.name} is ${facts.secret}; publishing the current token again` };
  }
  return { action: 'issue', reason: 'Lost', message: `Secret ${facts.spec.secret.name} is ${facts.secret} and no copy of the token is kept; issuing a new token and revoking the lost one` };
}

function overlapEnded(facts: TokenFacts): Decision | undefined {
  const previous = facts.previous;
  if (previous === undefined || previous.revokeAt.getTime() > facts.now.getTime()) return undefined;
  return { action: 'revokePrevious', reason: 'OverlapEnded', message: `Overlap ended; revoking the previous token ${previous.record.fingerprint}` };
}

// Restart targets are patched once per new token, in one batch; with none
// left to patch (a crash after the patch) the step only records it done.
function restartConsumers(facts: TokenFacts): Decision | undefined {
  const rollout = facts.rollout;
  if (rollout === undefined || rollout.restartedAt !== undefined) return undefined;
  const due = dueForRestart(rollout).map(({ kind, name }) => ({ kind, name }));
  const message = due.length === 0 ? `Restart targets already restarted for token ${rollout.token}` : `Restarting ${describeTargets(due)} to pick up token ${rollout.token}`;
  return { action: 'restartConsumers', reason: 'Restart', message, targets: due };
}

function consumersRolledOut(facts: TokenFacts): Decision | undefined {
  const { rollout, previous } = facts;
  if (rollout === undefined || previous === undefined || rollout.restartedAt === undefined || waitingFor(rollout).length > 0) return undefined;
  return { action: 'revokePrevious', reason: 'RolledOut', message: `Every restart target runs token ${rollout.token}; revoking the previous token ${previous.record.fingerprint} before the overlap ends` };
}

function idle(facts: TokenFacts): Decision {
  const times = [renewDue(facts), facts.previous?.revokeAt].filter((t): t is Date => t !== undefined);
  const until = times.length > 0 ? new Date(Math.min(...times.map((t) => t.getTime()))) : undefined;
  const base = { action: 'wait', reason: 'Ready', message: 'Token issued and delivered' } as const;
  return until === undefined ? base : { ...base, until };
}

/** renewDue is when the current token should be renewed, if ever. */
export function renewDue(facts: TokenFacts): Date | undefined {
  const expiresAt = facts.current?.observation.expiresAt ?? parseDate(facts.current?.record.expiresAt);
  return renewAt(expiresAt, scheduleFor(facts.spec, facts.capabilities, facts.now), facts.current?.record.fingerprint ?? '');
}

function parseDate(text: string | undefined): Date | undefined {
  return text === undefined ? undefined : new Date(text);
}
