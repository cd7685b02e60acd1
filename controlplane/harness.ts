import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ensureControlPlaneBinaries, type ControlPlaneBinaries } from './build.js';
import { startComponent, type Component } from './component.js';
import { ControlPlaneError } from './errors.js';
import { onProcessExit } from './exit-guard.js';
import { renderKubeconfig } from './kubeconfig.js';
import { freeLoopbackPort } from './ports.js';
import { probeStatus, sleep } from './probe.js';
import { guardDirectory, releaseDirectory } from './watchdog.js';

/** DefaultControllers are the kube-controller-manager loops tests rely on: GC, namespace deletion, default ServiceAccounts. */
export const DefaultControllers: readonly string[] = [
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
];

/** StartControlPlaneOptions tune one control plane; every field has a working default. */
export interface StartControlPlaneOptions {
  /** binaries skips the build script (default: ensureControlPlaneBinaries()). */
  readonly binaries?: ControlPlaneBinaries;
  /** baseDir is where the per-instance temp dir is created (default: os.tmpdir()). */
  readonly baseDir?: string;
  /** controllers replaces DefaultControllers. */
  readonly controllers?: readonly string[];
  /** readyTimeoutMs bounds start-up after the binaries exist (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** onProgress receives one line per start-up step (default: silent). */
  readonly onProgress?: (line: string) => void;
}

/** ControlPlanePids name the process (and process group) of each component. */
export interface ControlPlanePids {
  readonly etcd: number;
  readonly kubeApiserver: number;
  readonly kubeControllerManager: number;
}

/** ControlPlane is a running etcd + kube-apiserver + kube-controller-manager on loopback. */
export interface ControlPlane {
  /** dir is the instance's temp dir (etcd data, PKI, kubeconfig, logs); removed by stop(). */
  readonly dir: string;
  /** kubeconfigPath is an admin (system:masters) kubeconfig for kubectl and client-node. */
  readonly kubeconfigPath: string;
  /** server is the API server URL. */
  readonly server: string;
  /** caFile is the PEM bundle clients must trust. */
  readonly caFile: string;
  /** pids are the component process ids. */
  readonly pids: ControlPlanePids;
  /** startupMs is the time from spawning etcd to ready. */
  readonly startupMs: number;
  /** kubeConfig loads a fresh client-node KubeConfig from kubeconfigPath. */
  kubeConfig(): KubeConfig;
  /** stop terminates all components and removes dir; safe to call more than once. */
  stop(): Promise<void>;
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  deadline: number,
  components: readonly Component[],
): Promise<void> {
  for (;;) {
    const dead = components.find((c) => !c.running());
    if (dead !== undefined) {
      throw new ControlPlaneError(
        'CONTROLPLANE_EXITED',
        `${dead.name} exited while waiting for ${what}; log ${dead.logPath}:\n${dead.logTail(15)}`,
      );
    }
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new ControlPlaneError('CONTROLPLANE_NOT_READY', `timed out waiting for ${what}`);
    }
    await sleep(100);
  }
}

function etcdArgs(dir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${String(clientPort)}`;
  const peer = `http://127.0.0.1:${String(peerPort)}`;
  return [
    '--name=controlplane',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=controlplane=${peer}`,
    // Throwaway data: fsync only costs start-up and write latency.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

function apiserverArgs(dir: string, port: number, etcdPort: number): string[] {
  const server = `https://127.0.0.1:${String(port)}`;
  return [
    `--etcd-servers=http://127.0.0.1:${String(etcdPort)}`,
    '--bind-address=127.0.0.1',
    // Required on hosts without a default route, and keeps everything on loopback.
    '--advertise-address=127.0.0.1',
    `--secure-port=${String(port)}`,
    `--cert-dir=${join(dir, 'pki')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=${server}`,
    `--service-account-key-file=${join(dir, 'sa.key')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    // Default ServiceAccounts appear asynchronously (serviceaccount-controller);
    // admission would reject Pods in a brand-new namespace until then.
    '--disable-admission-plugins=ServiceAccount',
    // The lease reconciler would publish 127.0.0.1 as the kubernetes Service
    // endpoint, which validation rejects on every resync.
    '--endpoint-reconciler-type=none',
  ];
}

function controllerManagerArgs(dir: string, port: number, controllers: readonly string[]): string[] {
  return [
    `--kubeconfig=${join(dir, 'kubeconfig')}`,
    '--leader-elect=false',
    `--controllers=${controllers.join(',')}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${String(port)}`,
    `--cert-dir=${join(dir, 'kcm-pki')}`,
    `--service-account-private-key-file=${join(dir, 'sa.key')}`,
    `--root-ca-file=${join(dir, 'pki', 'apiserver.crt')}`,
    '--use-service-account-credentials=false',
  ];
}

/**
 * startControlPlane starts etcd, kube-apiserver and kube-controller-manager on
 * free loopback ports and resolves once /readyz is ok, the default namespace
 * exists and the controller manager is healthy. Every process and the temp dir
 * are cleaned up by stop(), on process exit or signals, and by the watchdog if
 * this process is killed outright.
 */
export async function startControlPlane(options: StartControlPlaneOptions = {}): Promise<ControlPlane> {
  const progress = options.onProgress ?? (() => undefined);
  const binaries = options.binaries ?? (await ensureControlPlaneBinaries());
  const dir = await mkdtemp(join(options.baseDir ?? tmpdir(), 'sftoken-cp-'));
  guardDirectory(dir);
  const components: Component[] = [];
  const forgetExitHook = onProcessExit(() => {
    for (const c of components) c.killNow();
    rmSync(dir, { recursive: true, force: true });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Controllers and the API server first (they talk to etcd), etcd last.
      const [etcd, ...rest] = components;
      await Promise.all(rest.map((c) => c.stop(10_000)));
      if (etcd !== undefined) await etcd.stop(10_000);
      await rm(dir, { recursive: true, force: true });
      releaseDirectory(dir);
      forgetExitHook();
      if (components.some((c) => c.running())) {
        throw new ControlPlaneError('CONTROLPLANE_STOP_FAILED', 'a component survived SIGKILL');
      }
    })();
    return stopping;
  };

  try {
    const started = Date.now();
    const deadline = started + (options.readyTimeoutMs ?? 60_000);
    const [etcdPort, peerPort, apiPort, kcmPort] = await Promise.all([
      freeLoopbackPort(),
      freeLoopbackPort(),
      freeLoopbackPort(),
      freeLoopbackPort(),
    ]);
    const token = randomBytes(32).toString('base64url');
    const server = `https://127.0.0.1:${String(apiPort)}`;
    const caFile = join(dir, 'pki', 'apiserver.crt');
    const kubeconfigPath = join(dir, 'kubeconfig');
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await Promise.all([mkdir(join(dir, 'pki')), mkdir(join(dir, 'kcm-pki')), mkdir(join(dir, 'logs'))]);
    await writeFile(join(dir, 'sa.key'), privateKey, { mode: 0o600 });
    await writeFile(join(dir, 'tokens.csv'), `${token},admin,admin-uid,system:masters\n`, { mode: 0o600 });
    const log = (name: string) => join(dir, 'logs', `${name}.log`);

    // The API server retries etcd on its own, so both start at once.
    components.push(
      startComponent({ name: 'etcd', command: binaries.etcd, args: etcdArgs(dir, etcdPort, peerPort), logPath: log('etcd') }),
      startComponent({
        name: 'kube-apiserver',
        command: binaries.kubeApiserver,
        args: apiserverArgs(dir, apiPort, etcdPort),
        logPath: log('kube-apiserver'),
      }),
    );
    progress(`etcd pid ${String(components[0]?.pid)}, kube-apiserver pid ${String(components[1]?.pid)} in ${dir}`);

    // The self-signed serving certificate appears early in API server start-up;
    // the controller manager's kubeconfig needs it as its CA.
    await waitUntil('the API server certificate', () => Promise.resolve(existsSync(caFile)), deadline, components);
    await writeFile(kubeconfigPath, renderKubeconfig({ name: 'sftoken-controlplane', server, caFile, token }), { mode: 0o600 });
    const controllers = options.controllers ?? DefaultControllers;
    components.push(
      startComponent({
        name: 'kube-controller-manager',
        command: binaries.kubeControllerManager,
        args: controllerManagerArgs(dir, kcmPort, controllers),
        logPath: log('kube-controller-manager'),
      }),
    );
    const ca = await readFile(caFile, 'utf8');

    await waitUntil('kube-apiserver /readyz', async () => (await probeStatus({ url: `${server}/readyz`, ca, token })) === 200, deadline, components);
    progress(`kube-apiserver ready after ${String(Date.now() - started)} ms`);
    await waitUntil(
      'the default namespace',
      async () => (await probeStatus({ url: `${server}/api/v1/namespaces/default`, ca, token })) === 200,
      deadline,
      components,
    );
    await waitUntil(
      'kube-controller-manager /healthz',
      async () => (await probeStatus({ url: `https://127.0.0.1:${String(kcmPort)}/healthz` })) === 200,
      deadline,
      components,
    );
    const startupMs = Date.now() - started;
    progress(`control plane ready after ${String(startupMs)} ms (${server})`);

    const [etcd, apiserver, kcm] = components;
    if (etcd === undefined || apiserver === undefined || kcm === undefined) {
      throw new ControlPlaneError('CONTROLPLANE_SPAWN_FAILED', 'a component is missing');
    }
    return {
      dir,
      kubeconfigPath,
      server,
      caFile,
      pids: { etcd: etcd.pid, kubeApiserver: apiserver.pid, kubeControllerManager: kcm.pid },
      startupMs,
      kubeConfig() {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfigPath);
        return kc;
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
