import type { Observation } from '../../core/contract/adapter.js';
import type { Capabilities } from '../../core/contract/capabilities.js';
import { capabilityTable } from '../../core/platforms/registry.js';
import { classifySecret } from '../../core/delivery/secret-content.js';
import type { DurableToken } from '../../core/reconcile/durable-state.js';
import type { TokenFacts } from '../../core/reconcile/facts.js';
import { refOf } from '../../core/reconcile/execute.js';
import { factsOf } from '../../core/reconcile/facts-of.js';
import { rolloutDue, withRollout } from '../../core/reconcile/rollout.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import { formatPath, validateSpec } from '../../core/schema/validate.js';
import type { ConnectionResolver, ResolvedConnection } from '../connections/resolver.js';
import { foundOf } from './destination.js';
import type { Informer } from '../runtime/informer.js';
import type { KubeClient, KubeObject, SecretObject } from '../../kube/index.js';
import { keyOf, PausedAnnotation, RevokePreviousNowAnnotation, RotateAnnotation, stateSecretName } from '../names.js';
import { secretPath } from '../../kube/index.js';
import type { ObservationCache } from './observations.js';
import type { StorefrontTokenObject } from '../objects.js';
import type { Problem } from './problem.js';
import { gatherConsumers } from './rollout.js';
import { decodeState, trustedState, type StoredState, type TokenIdentity } from './state.js';

/** GatherDeps are the read sides gather uses. */
export interface GatherDeps {
  readonly kube: KubeClient;
  readonly secrets: Informer<SecretObject>;
  readonly resolver: ConnectionResolver;
  readonly observations: ObservationCache;
  /** pollIntervalMs is how often a steady token is observed at the platform. */
  readonly pollIntervalMs: number;
  readonly now: () => Date;
  readonly onObserveError?: (key: string, error: unknown) => void;
  /** absent remembers recent "no such Secret" answers (key → until, ms), so requeues do not ask again. */
  readonly absent?: Map<string, number>;
  /** namespaces remembers recent answers to "is this namespace being deleted?" (namespace → answer and until, ms). */
  readonly namespaces?: Map<string, { readonly terminating: boolean; readonly until: number }>;
}

const AbsentTtlMs = 5000;

/** Gathered is one token's view of the world, and the facts decide() reads. */
export interface Gathered {
  readonly key: string;
  readonly token: TokenIdentity;
  readonly spec: StorefrontTokenSpec;
  readonly warnings: readonly string[];
  readonly capabilities: Capabilities;
  readonly connection: ResolvedConnection;
  readonly stored: StoredState;
  /** destination is the destination Secret as found (ours or not), if it exists. */
  readonly destination: SecretObject | undefined;
  readonly facts: TokenFacts;
}

/** GatherOptions adjust what is gathered. */
export interface GatherOptions {
  /** revoke treats the token as revoked: the deletion path with deletionPolicy Revoke. */
  readonly revoke?: boolean;
}

/**
 * gather is the only place a reconcile reads the world: it validates the
 * spec, resolves the connection (namespace rule, credentials), reads the
 * durable state and the destination Secret from the cache, and observes the
 * current token at the platform at most once per poll interval. It returns
 * a Problem when the reconcile cannot go on; it makes no changes.
 */
export async function gather(deps: GatherDeps, object: StorefrontTokenObject, options: GatherOptions = {}): Promise<Gathered | Problem> {
  const now = deps.now();
  const namespace = object.metadata.namespace ?? '';
  const name = object.metadata.name ?? '';
  const key = keyOf(namespace, name);
  const token: TokenIdentity = { namespace, name, uid: object.metadata.uid ?? '' };
  const validation = validateSpec(object.spec, { surface: 'kubernetes', now, capabilitiesOf: (p) => capabilityTable[p] });
  if (!validation.ok) {
    const message = validation.issues.map((i) => `${formatPath(i.path)} ${i.message}`).join('; ');
    return { reason: 'InvalidSpec', message };
  }
  const spec: StorefrontTokenSpec = options.revoke === true ? { ...validation.spec, revoked: true } : validation.spec;
  const stateSecret = deps.secrets.get(keyOf(namespace, stateSecretName(name)));
  // A look-alike Secret (not labelled as state or not controlled by this
  // token's uid) is never read: someone could plant token ids in it.
  if (stateSecret !== undefined && !trustedState(stateSecret, token.uid)) {
    return { reason: 'StateSecretNotOwned', message: `Secret ${stateSecretName(name)} exists but is not this token's state (not controlled by it); it is ignored. Delete it so the token's state can be written`, retryMs: 60_000 };
  }
  const stored = decodeState(stateSecret);
  const state = stored.state;
  const connection = await deps.resolver.resolve(namespace, spec);
  if ('reason' in connection) return connection;
  const capabilities = capabilityTable[spec.platform];
  const destination = await readDestination(deps, namespace, spec.secret.name);
  const observation = state.current === undefined || state.revokedAt !== undefined ? undefined : await observe(deps, key, connection, state.current, now);
  const secret = classifySecret(foundOf(destination, token.uid), spec, state);
  // Only a step that would write into the namespace needs to know whether it is going away.
  const requests = requestsOf(object);
  const rotating = requests.rotateRequest !== undefined && requests.rotateRequest.value !== state.rotated;
  const mayWrite = !spec.revoked && (state.current === undefined || secret !== 'current' || observation?.state !== 'active' || rotating);
  const base: TokenFacts = factsOf({
    spec,
    name: spec.displayName ?? name,
    capabilities,
    now,
    state,
    ...(observation === undefined ? {} : { observation }),
    secret,
    terminating: mayWrite && (await namespaceTerminating(deps, namespace)),
    ...requests,
  });
  // Restart targets are read only while a replacement's restart is recorded, never for a steady token.
  const targets = spec.rolloutRestartTargets;
  const facts = targets !== undefined && rolloutDue(spec, state) ? withRollout(base, state, await gatherConsumers(deps.kube, namespace, name, targets)) : base;
  return { key, token, spec, warnings: validation.warnings.map((w) => `${formatPath(w.path)} ${w.message}`), capabilities, connection, stored, destination, facts };
}

// The user's requests ride on annotations, so `kubectl annotate` (or
// `sftoken rotate`) makes them without touching the spec GitOps owns.
function requestsOf(object: StorefrontTokenObject): { rotateRequest?: { value: string; revokePreviousNow: boolean }; paused?: boolean } {
  const annotations = object.metadata.annotations ?? {};
  const rotate = annotations[RotateAnnotation];
  return {
    ...(rotate === undefined || rotate === '' ? {} : { rotateRequest: { value: rotate, revokePreviousNow: annotations[RevokePreviousNowAnnotation] === 'true' } }),
    ...(annotations[PausedAnnotation] === 'true' ? { paused: true } : {}),
  };
}

// A deletion seen stays true; a live answer is re-asked soon, since the
// state Secret's own finalizer already keeps a late one safe.
const TerminatingTtlMs = 60_000;
const LiveTtlMs = 1000;

// A namespace being deleted loses every object in it at once; a token seeing
// its Secret vanish then must not republish or reissue into it. Asked only
// when a step would write, so a steady token costs nothing.
async function namespaceTerminating(deps: GatherDeps, namespace: string): Promise<boolean> {
  const known = deps.namespaces?.get(namespace);
  if (known !== undefined && known.until > Date.now()) return known.terminating;
  const ns = await deps.kube.get<KubeObject & { status?: { phase?: string } }>(`/api/v1/namespaces/${encodeURIComponent(namespace)}`);
  const terminating = ns === undefined || ns.metadata.deletionTimestamp !== undefined || ns.status?.phase === 'Terminating';
  deps.namespaces?.set(namespace, { terminating, until: Date.now() + (terminating ? TerminatingTtlMs : LiveTtlMs) });
  return terminating;
}


// Our Secrets are cached (label-selected watch). A Secret of that name that
// is not in the cache is either absent or someone else's; only then ask.
// A remembered absence is safe: publishing creates (never replaces) a Secret
// it has not seen, so a foreign one that appeared meanwhile makes the create
// fail rather than be overwritten.
async function readDestination(deps: GatherDeps, namespace: string, name: string): Promise<SecretObject | undefined> {
  const key = keyOf(namespace, name);
  const cached = deps.secrets.get(key);
  if (cached !== undefined) return cached;
  const until = deps.absent?.get(key);
  if (until !== undefined && until > Date.now()) return undefined;
  const found = await deps.kube.get<SecretObject>(secretPath(namespace, name));
  if (found === undefined) deps.absent?.set(key, Date.now() + AbsentTtlMs);
  else deps.absent?.delete(key);
  return found;
}

async function observe(deps: GatherDeps, key: string, connection: ResolvedConnection, current: DurableToken, now: Date): Promise<Observation> {
  const cached = deps.observations.fresh(key, current.fingerprint, deps.pollIntervalMs, now.getTime());
  if (cached !== undefined) return cached;
  const fallback: Observation = { state: 'unknown', ...(current.expiresAt === undefined ? {} : { expiresAt: new Date(current.expiresAt) }) };
  if (!connection.gate.enter()) return fallback;
  let failure: unknown;
  try {
    const observation = await connection.client.observe(refOf(current));
    deps.observations.remember(key, current.fingerprint, observation, now.getTime());
    return observation;
  } catch (error) {
    // A platform that cannot be asked right now must not block revocation or
    // republishing; decide() treats `unknown` as "nothing says otherwise".
    failure = error;
    deps.onObserveError?.(key, error);
    return fallback;
  } finally {
    connection.gate.leave(failure);
  }
}
