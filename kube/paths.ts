/** secretPath is the REST path of Secrets (all namespaces, one namespace, or one object). */
export function secretPath(namespace?: string, name?: string): string {
  const base = namespace === undefined ? '/api/v1/secrets' : `/api/v1/namespaces/${namespace}/secrets`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** namespacePath is the REST path of one namespace. */
export function namespacePath(name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(name)}`;
}
