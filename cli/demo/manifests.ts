import { parseAllDocuments } from 'yaml';
import type { KubeClient, KubeObject } from '../../kube/index.js';

/** Resource locates one kind: its REST collection, and whether it is namespaced. */
interface Resource {
  readonly prefix: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

// The kinds our manifests, examples, deploy files and chart use; anything else is an error.
const resources: Readonly<Record<string, Resource>> = {
  'v1/Secret': { prefix: '/api/v1', plural: 'secrets', namespaced: true },
  'v1/Namespace': { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
  'v1/ServiceAccount': { prefix: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  'v1/Service': { prefix: '/api/v1', plural: 'services', namespaced: true },
  'apps/v1/Deployment': { prefix: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  'policy/v1/PodDisruptionBudget': { prefix: '/apis/policy/v1', plural: 'poddisruptionbudgets', namespaced: true },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { prefix: '/apis/apiextensions.k8s.io/v1', plural: 'customresourcedefinitions', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRole': { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', namespaced: false },
  'rbac.authorization.k8s.io/v1/Role': { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings', namespaced: true },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': { prefix: '/apis/admissionregistration.k8s.io/v1', plural: 'validatingadmissionpolicies', namespaced: false },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': { prefix: '/apis/admissionregistration.k8s.io/v1', plural: 'validatingadmissionpolicybindings', namespaced: false },
  'sftoken.dev/v1alpha1/StorefrontToken': { prefix: '/apis/sftoken.dev/v1alpha1', plural: 'storefronttokens', namespaced: true },
  'sftoken.dev/v1alpha1/PlatformConnection': { prefix: '/apis/sftoken.dev/v1alpha1', plural: 'platformconnections', namespaced: true },
  'sftoken.dev/v1alpha1/ClusterPlatformConnection': { prefix: '/apis/sftoken.dev/v1alpha1', plural: 'clusterplatformconnections', namespaced: false },
};

/** parseManifests reads a multi-document YAML file into objects, skipping empty documents. */
export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

/** objectPath is the REST path of an object; namespaced kinds take `namespace` when the manifest has none. */
export function objectPath(object: KubeObject, namespace?: string): string {
  const resource = resources[`${object.apiVersion ?? ''}/${object.kind ?? ''}`];
  if (resource === undefined) throw new Error(`unsupported kind ${object.apiVersion ?? ''}/${object.kind ?? ''}`);
  const name = object.metadata.name ?? '';
  if (!resource.namespaced) return `${resource.prefix}/${resource.plural}/${encodeURIComponent(name)}`;
  const ns = object.metadata.namespace ?? namespace ?? 'default';
  return `${resource.prefix}/namespaces/${ns}/${resource.plural}/${encodeURIComponent(name)}`;
}

/** collectionPath is the REST path of an object's collection in a namespace. */
export function collectionPath(apiVersion: string, kind: string, namespace?: string): string {
  const resource = resources[`${apiVersion}/${kind}`];
  if (resource === undefined) throw new Error(`unsupported kind ${apiVersion}/${kind}`);
  if (!resource.namespaced || namespace === undefined) return `${resource.prefix}/${resource.plural}`;
  return `${resource.prefix}/namespaces/${namespace}/${resource.plural}`;
}

/** ApplyOptions tune applyManifests. */
export interface ApplyOptions {
  /** namespace for namespaced objects without one. */
  readonly namespace?: string;
  /** fieldManager in managedFields. @default sftoken-apply */
  readonly fieldManager?: string;
  /** dryRun asks the server to validate and admit without persisting. */
  readonly dryRun?: boolean;
}

/** applyManifests server-side-applies objects in order and returns what the server answered. */
export async function applyManifests(kube: KubeClient, objects: readonly KubeObject[], options: ApplyOptions = {}): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const object of objects) {
    const body = options.namespace === undefined || object.metadata.namespace !== undefined || !isNamespaced(object)
      ? object
      : { ...object, metadata: { ...object.metadata, namespace: options.namespace } };
    const applied = await kube.apply<KubeObject>(objectPath(body, options.namespace), body, options.fieldManager ?? 'sftoken-apply', options.dryRun === true);
    if (applied !== undefined) out.push(applied);
  }
  return out;
}

function isNamespaced(object: KubeObject): boolean {
  return resources[`${object.apiVersion ?? ''}/${object.kind ?? ''}`]?.namespaced ?? true;
}

/** pointAt rewrites every connection baseUrl from one origin to another (the examples name 127.0.0.1:18787). */
export function pointAt(objects: readonly KubeObject[], from: string, to: string): KubeObject[] {
  return objects.map((o) => {
    const spec = o['spec'] as { baseUrl?: string } | undefined;
    if (spec?.baseUrl === undefined || !spec.baseUrl.startsWith(from)) return o;
    return { ...o, spec: { ...spec, baseUrl: to + spec.baseUrl.slice(from.length) } };
  });
}
