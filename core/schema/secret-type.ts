import { z } from 'zod';
import { admit, celList, celString } from './admission.js';

// The Kubernetes Secret type of the destination. Kubernetes checks the keys
// of its built-in types (kubernetes.io/tls must hold tls.crt and tls.key,
// and so on) and never lets a Secret's type change. A platform token can
// fill a basic-auth Secret (the token as the password) or one of a type of
// the user's own (example.com/storefront-token, handy for field selectors);
// every other built-in type needs a certificate, a key or registry
// credentials, so it is refused here, before anything is issued, rather
// than by the API server after the token exists.

/** OPAQUE_TYPE is the Secret type written when spec.secret.type is left out. */
export const OPAQUE_TYPE = 'Opaque';
/** BASIC_AUTH_TYPE is kubernetes.io/basic-auth: the API server requires a username or password key. */
export const BASIC_AUTH_TYPE = 'kubernetes.io/basic-auth';

/** A TypeDemand is what a Secret type requires of the data keys: at least one of `anyOf`. */
export interface TypeDemand {
  readonly anyOf: readonly string[];
  /** hint says how to meet it, in spec terms. */
  readonly hint: string;
}

/** secretTypeDemands lists the data keys each accepted type requires; a type absent here requires none. */
export const secretTypeDemands: Readonly<Record<string, TypeDemand>> = {
  [BASIC_AUTH_TYPE]: { anyOf: ['username', 'password'], hint: 'set secret.keys.token to password (the token as the password), or a key or format to username' },
};

// A type of the user's own: a DNS subdomain, a slash, a name. RE2-compatible.
const ownType = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
// Kubernetes' own domains: built-in types live there, and a new one may
// appear in any release, so none but basic-auth is taken.
const kubernetesDomain = /^([-a-z0-9]+\.)*(kubernetes\.io|k8s\.io)\//;
const builtIns = [OPAQUE_TYPE, ...Object.keys(secretTypeDemands)];

/** typeMessage is the reason a type is refused, shared by zod and the CRD's CEL rule. */
export const typeMessage = `must be ${builtIns.join(', ')}, or a type of your own such as example.com/storefront-token: other kubernetes.io types (tls, ssh-auth, dockerconfigjson, service-account-token, ...) need content a platform token cannot provide`;

/** isAcceptedType tells whether the destination may have this type. */
export function isAcceptedType(type: string): boolean {
  return builtIns.includes(type) || (ownType.test(type) && !kubernetesDomain.test(type));
}

/** secretTypeSchema is spec.secret.type: Opaque, kubernetes.io/basic-auth or a type of the user's own. */
export const secretTypeSchema = admit(
  z.string().max(253).refine(isAcceptedType, { message: typeMessage }),
  [{ rule: `self in ${celList(builtIns)} || (self.matches(${celString(ownType.source)}) && !self.matches(${celString(kubernetesDomain.source)}))`, message: typeMessage }],
).default(OPAQUE_TYPE);

/** demandMessage says which keys a type needs and how to provide them. */
export function demandMessage(type: string, demand: TypeDemand): string {
  return `${type} requires a data key ${demand.anyOf.join(' or ')}: ${demand.hint}`;
}
