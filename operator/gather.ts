import type { Observation } from '../core/adapters/adapter.js';
import type { Capabilities } from '../core/adapters/capabilities.js';
import { capabilityTable } from '../core/adapters/capability-table.js';
import type { TokenFacts } from '../core/reconcile/facts.js';
import type { TokenRecord } from '../core/schema/status.js';
import type { StorefrontTokenSpec } from '../core/schema/storefront-token.js';
import { formatPath, validateSpec } from '../core/schema/validate.js';
import type { ConnectionResolver, ResolvedConnection } from './connections.js';
import { desiredDestination, destinationState } from './destination.js';
import type { Informer } from './informer.js';
import type { KubeClient, SecretObject } from './kube.js';
import { keyOf, secretPath, stateSecretName } from './names.js';
import type { ObservationCache } from './observations.js';
import type { StorefrontTokenObject } from './objects.js';
import type { Problem } from './problem.js';
import { decodeState, type DurableToken, type StoredState, type TokenIdentity } from './state.js';

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
  /** desired is the destination Secret we would publish, when a value is kept. */
  readonly desired: SecretObject | undefined;
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
  const stored = decodeState(deps.secrets.get(keyOf(namespace, stateSecretName(name))));
  const state = stored.state;
  const connection = await deps.resolver.resolve(namespace, spec);
  if ('reason' in connection) return connection;
  const capabilities = capabilityTable[spec.platform];
  const destination = await readDestination(deps, namespace, spec.secret.name);
  const desired = desiredDestination(token, spec, state);
  const current = state.current === undefined || state.revokedAt !== undefined ? undefined : {
    record: recordOf(state.current),
    observation: await observe(deps, key, connection, state.current, now),
    ...(state.current.issued === undefined ? {} : { issued: state.current.issued }),
  };
  const facts: TokenFacts = {
    spec,
    name: spec.displayName ?? name,
    capabilities,
    now,
    ...(state.pending === undefined ? {} : { pendingCreate: { idempotencyKey: state.pending.key, reason: state.pending.reason } }),
    ...(current === undefined ? {} : { current }),
    ...(state.previous === undefined || state.revokedAt !== undefined ? {} : { previous: { record: recordOf(state.previous), revokeAt: new Date(state.previous.revokeAt) } }),
    secret: destinationState(destination, desired, token.uid, state, spec),
    valueKept: state.current?.value !== undefined,
    ...(state.revokedAt === undefined ? {} : { revokedAt: new Date(state.revokedAt) }),
  };
  return { key, token, spec, warnings: validation.warnings.map((w) => `${formatPath(w.path)} ${w.message}`), capabilities, connection, stored, destination, desired, facts };
}

function recordOf(t: DurableToken): TokenRecord {
  return { fingerprint: t.fingerprint, issuedAt: t.issuedAt, ...(t.id === undefined ? {} : { id: t.id }), ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }) };
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
    const ref = { ...(current.id === undefined ? {} : { id: current.id }), ...(current.value === undefined ? {} : { value: current.value }) };
    const observation = await connection.client.observe(ref);
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
