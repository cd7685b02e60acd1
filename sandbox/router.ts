/** RouteMatch is a matched route's value plus the named path parameters it captured. */
export interface RouteMatch<T> {
  readonly value: T;
  readonly params: Record<string, string>;
}

interface CompiledRoute<T> {
  readonly method: string;
  readonly segments: readonly string[];
  readonly value: T;
}

/**
 * A Router maps (method, path) to a value using `/a/:param/b` patterns. It is a
 * linear scan over pre-split segments: the sandbox has a few dozen routes, so
 * this beats any regex or trie in both speed and clarity.
 */
export class Router<T> {
  private readonly routes: CompiledRoute<T>[] = [];

  /** add registers a pattern; `:name` segments capture path parameters. */
  add(method: string, pattern: string, value: T): this {
    this.routes.push({ method, segments: splitPath(pattern), value });
    return this;
  }

  /** match finds the first route for the method and pre-split path, or reports whether the path exists under another method. */
  match(method: string, segments: readonly string[]): RouteMatch<T> | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === undefined) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      return { value: route.value, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? '';
    const a = actual[i] ?? '';
    if (p.startsWith(':')) {
      if (a === '') return undefined;
      params[p.slice(1)] = safeDecode(a);
    } else if (p !== a) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** splitPath turns `/a/b/` into `['a','b']`, ignoring empty segments from leading or trailing slashes. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
