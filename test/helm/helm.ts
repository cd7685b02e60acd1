import { execFile, execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { objectPath, parseManifests } from '../../cli/demo/manifests.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../kube/index.js';
import type { TestControlPlane } from '../controlplane/use-control-plane.js';

/** repoRoot is the repository root. */
export const repoRoot = join(import.meta.dirname, '..', '..');
/** chartDir is the chart under test. */
export const chartDir = join(repoRoot, 'charts', 'storefront-token');

let tools: string | undefined;

/** toolsDir builds helm and promql-check into their cache once per process (a no-op when warm). */
export function toolsDir(): string {
  tools ??= execFileSync('bash', [join(repoRoot, 'scripts', 'helm-build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1) ?? '';
  return tools;
}

/** HelmResult is one helm invocation's exit code and output. */
export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** runTool runs a cached tool (helm, promql-check) with optional stdin, never throwing on a non-zero exit. */
export function runTool(tool: 'helm' | 'promql-check', args: readonly string[], options: { readonly kubeconfig?: string; readonly input?: string } = {}): Promise<HelmResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, HELM_CACHE_HOME: join(repoRoot, 'node_modules', '.cache', 'helm'), HELM_CONFIG_HOME: join(repoRoot, 'node_modules', '.cache', 'helm-config'), HELM_DATA_HOME: join(repoRoot, 'node_modules', '.cache', 'helm-data'), ...(options.kubeconfig === undefined ? {} : { KUBECONFIG: options.kubeconfig }) };
    const child = execFile(join(toolsDir(), tool), [...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** helm runs the cached helm binary. */
export function helm(args: readonly string[], kubeconfig?: string): Promise<HelmResult> {
  return runTool('helm', args, kubeconfig === undefined ? {} : { kubeconfig });
}

/** setArgs turns values into --set-json flags (one per key, so lists and maps keep their types). */
export function setArgs(values: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--set-json', `${key}=${JSON.stringify(value)}`]);
}

/** render runs `helm template` and returns the objects, failing the test on a non-zero exit. */
export async function render(release: string, namespace: string, values: Readonly<Record<string, unknown>> = {}): Promise<KubeObject[]> {
  const res = await helm(['template', release, chartDir, '--namespace', namespace, ...setArgs(values)]);
  if (res.code !== 0) throw new Error(`helm template failed: ${res.stderr}`);
  return parseManifests(res.stdout);
}

/** applyObjects server-side-applies objects in order (dryRun: admitted and validated, nothing stored) and returns the answers. */
export async function applyObjects(kube: KubeClient, objects: readonly KubeObject[], options: { readonly dryRun?: boolean; readonly fieldManager?: string } = {}): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const object of objects) {
    const answered = await kube.apply<KubeObject>(objectPath(object), object, options.fieldManager ?? 'sftoken-helm-test', options.dryRun === true);
    if (answered !== undefined) out.push(answered);
  }
  return out;
}

/** serviceAccountKubeconfig mints a TokenRequest token for a ServiceAccount and writes a kubeconfig that uses it. */
export async function serviceAccountKubeconfig(cp: TestControlPlane, admin: KubeClient, namespace: string, name: string, path: string): Promise<{ kube: KubeClient; kubeconfigPath: string }> {
  const res = await admin.send<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
  });
  const config = parse(await readFile(cp.kubeconfigPath, 'utf8')) as { users: { name: string; user: Record<string, unknown> }[] };
  await writeFile(path, stringify({ ...config, users: config.users.map((u) => ({ name: u.name, user: { token: res?.status.token ?? '' } })) }));
  return { kube: new KubeClient(loadKubeConfig(path)), kubeconfigPath: path };
}

/** ofKind filters objects by kind. */
export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}
