import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import { parse } from 'yaml';
import { installCrds, type CrdManifest } from '../../controlplane/index.js';
import { adapterFor } from '../../core/platforms/registry.js';
import { KubeClient, loadKubeConfig, type KubeObject, type SecretObject } from '../../kube/index.js';
import { createLogger } from '../../operator/runtime/logger.js';
import { runOperator, type OperatorOptions, type RunningOperator } from '../../operator/main.js';
import { applyManifests, parseManifests, pointAt } from '../../cli/demo/manifests.js';
import { tokenPath } from '../../operator/names.js';
import { secretPath } from '../../kube/index.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import type { Sandbox } from '../../sandbox/index.js';
import { startCheckedSandbox } from '../../sandbox/testing/checked-sandbox.js';
import { useControlPlane, type TestControlPlane } from '../controlplane/use-control-plane.js';

/** repoRoot is the repository root. */
export const repoRoot = join(import.meta.dirname, '..', '..');

/** ExampleOrigin is the sandbox origin the example manifests name. */
export const ExampleOrigin = 'http://127.0.0.1:18787';

/** crdManifests reads crds/*.yaml. */
export function crdManifests(): CrdManifest[] {
  const dir = join(repoRoot, 'crds');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(join(dir, f), 'utf8')) as CrdManifest);
}

/** exampleObjects reads one example file, pointed at a sandbox. */
export function exampleObjects(platform: string, sandboxUrl: string): KubeObject[] {
  const text = readFileSync(join(repoRoot, 'examples', 'kubernetes', `${platform}.yaml`), 'utf8');
  return pointAt(parseManifests(text), ExampleOrigin, sandboxUrl);
}

/** Cluster is a control plane with the CRDs installed and an admin client. */
export interface Cluster {
  readonly cp: TestControlPlane;
  readonly kube: KubeClient;
}

/** useCluster returns the shared control plane with our CRDs installed. */
export async function useCluster(): Promise<Cluster> {
  const cp = await useControlPlane();
  await installCrds(cp.kubeConfig(), crdManifests());
  return { cp, kube: new KubeClient(loadKubeConfig(cp.kubeconfigPath)) };
}

/** Captured collects every log line and event an in-process operator produced. */
export interface Captured {
  readonly logs: string[];
  readonly events: string[];
}

/** startOperatorIn runs an in-process operator limited to one namespace, capturing its logs and events. */
export async function startOperatorIn(cluster: Cluster, namespace: string, extra: Partial<OperatorOptions> = {}): Promise<{ operator: RunningOperator; captured: Captured }> {
  const captured: Captured = { logs: [], events: [] };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      captured.logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const operator = await runOperator({
    adapterFor,
    kubeconfigPath: cluster.cp.kubeconfigPath,
    namespace,
    watchNamespace: namespace,
    leaderElection: false,
    healthPort: 0,
    log: createLogger({ level: 'debug', destination: sink }),
    eventSink: (_o, type, reason, message) => captured.events.push(`${type} ${reason} ${message}`),
    ...extra,
  });
  return { operator, captured };
}

/**
 * startTestSandbox starts a sandbox with rate limits off (tests that want them turn them on)
 * and OpenAPI validation on: a violation fails the test that caused it.
 */
export function startTestSandbox(): Promise<Sandbox> {
  return startCheckedSandbox({ rateLimits: false });
}

/** applyIn server-side-applies objects into a namespace. */
export function applyIn(cluster: Cluster, namespace: string, objects: readonly KubeObject[]): Promise<KubeObject[]> {
  return applyManifests(cluster.kube, objects, { namespace, fieldManager: 'sftoken-test' });
}

/** getToken reads a StorefrontToken. */
export function getToken(cluster: Cluster, namespace: string, name: string): Promise<StorefrontTokenObject | undefined> {
  return cluster.kube.get<StorefrontTokenObject>(tokenPath(namespace, name));
}

/** getSecret reads a Secret. */
export function getSecret(cluster: Cluster, namespace: string, name: string): Promise<SecretObject | undefined> {
  return cluster.kube.get<SecretObject>(secretPath(namespace, name));
}

/** secretValue decodes one key of a Secret. */
export function secretValue(secret: SecretObject | undefined, key: string): string | undefined {
  const raw = secret?.data?.[key];
  return raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8');
}

/** waitFor polls until check returns a value (not undefined/false) or the timeout passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** condition returns a token's condition of one type. */
export function condition(token: StorefrontTokenObject | undefined, type: string): { status: string; reason: string; message: string } | undefined {
  return token?.status?.conditions?.find((c) => c.type === type);
}

/** waitReady waits for Ready=True and returns the token. */
export function waitReady(cluster: Cluster, namespace: string, name: string, timeoutMs = 20_000): Promise<StorefrontTokenObject> {
  return waitFor(`${namespace}/${name} Ready`, async () => {
    const t = await getToken(cluster, namespace, name);
    return condition(t, 'Ready')?.status === 'True' ? t : undefined;
  }, timeoutMs);
}

/**
 * shareWorld registers a test file's hooks: the run's control plane (CRDs
 * installed) and a sandbox of the file's own, closed after the file.
 */
export function shareWorld(receive: (cluster: Cluster, sandbox: Sandbox) => void): void {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    const cluster = await useCluster();
    sandbox = await startTestSandbox();
    receive(cluster, sandbox);
  }, 900_000);
  afterAll(async () => {
    await sandbox?.close();
  });
}
