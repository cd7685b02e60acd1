import { isKubeError } from '../../kube/errors.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { applyManifests, collectionPath, objectPath, parseManifests } from './manifests.js';

const run = promisify(execFile);

/** SyncLabel marks objects a GitOps sync applied, so it can prune those removed from the tree. */
export const SyncLabel = 'gitops.sftoken.dev/source';

/** SyncResult says what one sync did; refused objects are the API server's own words. */
export interface SyncResult {
  readonly commit: string;
  readonly applied: readonly string[];
  readonly pruned: readonly string[];
  readonly refused: readonly { readonly object: string; readonly message: string }[];
}

/** SyncOptions say where the tree lands and what it may prune. */
export interface SyncOptions {
  /** namespace for namespaced objects without one. */
  readonly namespace: string;
  /** source names this repository in SyncLabel. */
  readonly source: string;
  /** kinds the sync prunes, as apiVersion/kind. */
  readonly pruneKinds: readonly (readonly [string, string])[];
}

/**
 * syncCommitted does what a GitOps agent (Argo CD, Flux) does with a
 * repository of manifests, and no more: read the tree at HEAD (committed,
 * not the working copy), server-side-apply every object under one field
 * manager, and prune the objects this source applied before that are no
 * longer in the tree. An object the API server refuses (a CEL rule, say) is
 * reported, not retried: the cluster keeps its last accepted state.
 */
export async function syncCommitted(kube: KubeClient, repoDir: string, options: SyncOptions): Promise<SyncResult> {
  const commit = (await run('git', ['rev-parse', 'HEAD'], { cwd: repoDir })).stdout.trim();
  const files = (await run('git', ['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: repoDir })).stdout.split('\n').filter((f) => /\.ya?ml$/.test(f));
  const objects: KubeObject[] = [];
  for (const file of files) {
    const text = (await run('git', ['show', `HEAD:${file}`], { cwd: repoDir })).stdout;
    for (const o of parseManifests(text)) {
      objects.push({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [SyncLabel]: options.source } } });
    }
  }
  const applied: string[] = [];
  const refused: { object: string; message: string }[] = [];
  const wanted = new Set<string>();
  for (const object of objects) {
    const name = `${object.kind ?? ''}/${object.metadata.name ?? ''}`;
    wanted.add(objectPath(object, options.namespace));
    try {
      await applyManifests(kube, [object], { namespace: options.namespace, fieldManager: 'gitops-sync' });
      applied.push(name);
    } catch (error) {
      if (!isKubeError(error)) throw error;
      refused.push({ object: name, message: error.message });
    }
  }
  const pruned: string[] = [];
  for (const [apiVersion, kind] of options.pruneKinds) {
    const list = await kube.list<KubeObject>(`${collectionPath(apiVersion, kind, options.namespace)}?labelSelector=${encodeURIComponent(`${SyncLabel}=${options.source}`)}`);
    for (const item of list.items) {
      const path = objectPath({ ...item, apiVersion, kind }, options.namespace);
      if (wanted.has(path) || item.metadata.deletionTimestamp !== undefined) continue;
      await kube.send('DELETE', path, undefined, undefined, [404]);
      pruned.push(`${kind}/${item.metadata.name ?? ''}`);
    }
  }
  return { commit, applied, pruned, refused };
}

/** ScratchRepo is a throwaway git repository of manifests, committed to by tests and the demo. */
export interface ScratchRepo {
  readonly dir: string;
  /** commit stages everything and commits with a message; returns the commit id. */
  readonly commit: (message: string) => Promise<string>;
}

/** initScratchRepo makes a git repository in dir (which must exist) with a local identity. */
export async function initScratchRepo(dir: string): Promise<ScratchRepo> {
  await run('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  await run('git', ['config', 'user.email', 'gitops@sftoken.invalid'], { cwd: dir });
  await run('git', ['config', 'user.name', 'sftoken gitops'], { cwd: dir });
  await run('git', ['config', 'commit.gpgsign', 'false'], { cwd: dir });
  return {
    dir,
    commit: async (message) => {
      await run('git', ['add', '-A'], { cwd: dir });
      await run('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: dir });
      return (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir })).stdout.trim();
    },
  };
}

/** TokenKinds are what a StorefrontToken GitOps source prunes. */
export const TokenKinds: readonly (readonly [string, string])[] = [
  ['sftoken.dev/v1alpha1', 'StorefrontToken'],
  ['sftoken.dev/v1alpha1', 'PlatformConnection'],
  ['v1', 'Secret'],
];

