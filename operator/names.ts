import { createHash } from 'node:crypto';

/** Group is the API group of the operator's kinds. */
export const Group = 'sftoken.dev';
/** Version is the served and stored API version. */
export const Version = 'v1alpha1';
/** ApiVersion is group/version as written in manifests. */
export const ApiVersion = `${Group}/${Version}`;
/** FieldManager names the operator in managedFields and server-side apply. */
export const FieldManager = 'storefront-token-operator';
/** Finalizer holds a StorefrontToken until its deletion policy has run. */
export const Finalizer = 'sftoken.dev/finalizer';
/** InUseFinalizer holds a PlatformConnection and a credentials Secret while a StorefrontToken uses them, so revocation can still reach the platform. */
export const InUseFinalizer = 'sftoken.dev/in-use';
/** StateFinalizer keeps a token's state Secret until its deletion policy has run (namespace deletion removes everything at once). */
export const StateFinalizer = 'sftoken.dev/state';

/** RotateAnnotation asks for a new token now: each distinct value is acted on once (status.lastRotateRequest). */
export const RotateAnnotation = 'sftoken.dev/rotate';
/** RevokePreviousNowAnnotation ("true") makes the rotate request a leak response: the replaced token is revoked at once. */
export const RevokePreviousNowAnnotation = 'sftoken.dev/revoke-previous-now';
/** PausedAnnotation ("true") stops issuing, rotating and repairing; revocation and deletion still run. */
export const PausedAnnotation = 'sftoken.dev/paused';

/** ManagedByLabel marks every Secret the operator writes; watches select on it so only ours are cached. */
export const ManagedByLabel = 'app.kubernetes.io/managed-by';
/** ManagedByValue is the ManagedByLabel value. */
export const ManagedByValue = 'storefront-token';
/** TokenLabel names the owning StorefrontToken on each Secret we write. */
export const TokenLabel = 'sftoken.dev/token';
/** RoleLabel says whether a Secret is the published `destination` or the operator's `state`. */
export const RoleLabel = 'sftoken.dev/role';
/** ManagedSelector is the label selector of every Secret the operator owns. */
export const ManagedSelector = `${ManagedByLabel}=${ManagedByValue}`;

/** tokenPath is the REST path of StorefrontTokens (all namespaces, one namespace, or one object). */
export function tokenPath(namespace?: string, name?: string, sub?: 'status'): string {
  const base = namespace === undefined ? `/apis/${Group}/${Version}/storefronttokens` : `/apis/${Group}/${Version}/namespaces/${namespace}/storefronttokens`;
  if (name === undefined) return base;
  return `${base}/${encodeURIComponent(name)}${sub === undefined ? '' : `/${sub}`}`;
}

/** connectionPath is the REST path of a PlatformConnection (namespaced) or ClusterPlatformConnection. */
export function connectionPath(kind: 'PlatformConnection' | 'ClusterPlatformConnection', namespace?: string, name?: string): string {
  const base = kind === 'ClusterPlatformConnection'
    ? `/apis/${Group}/${Version}/clusterplatformconnections`
    : namespace === undefined ? `/apis/${Group}/${Version}/platformconnections` : `/apis/${Group}/${Version}/namespaces/${namespace}/platformconnections`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/**
 * stateSecretName is the operator's durable-state Secret for a token. Long
 * token names are shortened with a hash so the result stays a valid name.
 */
export function stateSecretName(tokenName: string): string {
  const name = `sftoken-state-${tokenName}`;
  if (name.length <= 253) return name;
  const hash = createHash('sha256').update(tokenName).digest('hex').slice(0, 10);
  return `${name.slice(0, 242)}-${hash}`;
}

/** labelValue fits a name into a label value (63 characters), hashing long names. */
export function labelValue(name: string): string {
  if (name.length <= 63) return name;
  return `${name.slice(0, 52)}-${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
}

/** keyOf is the work-queue key of a namespaced object. */
export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** splitKey reverses keyOf. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
