import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { runtimeDefaultLike, type SeccompProfile } from './seccomp.js';

// Runs an OCI image the way a kubelet's runtime does, without a kubelet:
// umoci turns the image into an OCI runtime bundle (rootfs + config.json with
// the image's entrypoint, user, environment and working directory), the
// bundle's config is given what a Pod spec adds, and runc (containerd's
// runtime) runs it.

const exec = promisify(execFile);

/** ImageConfig is the part of an OCI image config a Pod's container starts from. */
export interface ImageConfig {
  readonly User?: string;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly WorkingDir?: string;
  readonly Labels?: Record<string, string>;
}

/** OciLayout is an oci-archive unpacked: its index, manifest and config, and the directory. */
export interface OciLayout {
  readonly dir: string;
  readonly manifestDigest: string;
  readonly manifest: { config: { digest: string; size: number }; layers: { digest: string; size: number }[]; annotations?: Record<string, string> };
  readonly config: { config: ImageConfig; architecture: string; os: string; created?: string; rootfs: { diff_ids: string[] } };
  readonly refName: string;
}

/** readArchive untars an oci-archive into dir (it is a plain tar of an OCI layout) and reads its one image. */
export async function readArchive(archive: string, dir: string): Promise<OciLayout> {
  await mkdir(dir, { recursive: true });
  await exec('tar', ['-xf', archive, '-C', dir]);
  const blob = async (digest: string): Promise<unknown> => JSON.parse(await readFile(join(dir, 'blobs', 'sha256', digest.replace('sha256:', '')), 'utf8'));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const [entry] = index.manifests;
  if (entry === undefined || index.manifests.length !== 1) throw new Error(`${archive}: expected one image, found ${String(index.manifests.length)}`);
  const manifest = await blob(entry.digest) as OciLayout['manifest'];
  const config = await blob(manifest.config.digest) as OciLayout['config'];
  return { dir, manifestDigest: entry.digest, manifest, config, refName: entry.annotations?.['org.opencontainers.image.ref.name'] ?? '' };
}

/** PodSpec is what a Deployment's pod template adds to the image for the operator's container. */
export interface PodSpec {
  /** hostname is the Pod's name (a Pod's hostname is its name). */
  readonly hostname: string;
  /** args replace the image's Cmd and keep its Entrypoint, as a container's `args` do. */
  readonly args: readonly string[];
  /** env is appended to the image's environment (KUBERNETES_SERVICE_*, the Deployment's env). */
  readonly env: Record<string, string>;
  /** serviceAccountDir holds token, ca.crt and namespace: the projected service-account volume. */
  readonly serviceAccountDir: string;
  /** user is runAsUser/runAsGroup, which win over the image's User; absent, the image's. */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** memoryLimit in bytes (resources.limits.memory), enforced by the memory cgroup. */
  readonly memoryLimit?: number;
  /** seccomp is the filter the runtime applies (securityContext.seccompProfile RuntimeDefault). */
  readonly seccomp?: SeccompProfile;
}

/** DeployedPod is a PodSpec read from a Deployment, with the identity and Lease it implies. */
export interface DeployedPod extends PodSpec {
  /** serviceAccount is the pod's serviceAccountName in the Deployment's namespace. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** leaseName is --lease-name from the args, or the operator's default. */
  readonly leaseName: string;
}

interface ContainerSpec {
  name?: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[];
  securityContext?: { runAsUser?: number; runAsGroup?: number; runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  resources?: { limits?: { memory?: string } };
}

interface DeploymentObject {
  metadata: { name?: string; namespace?: string };
  spec?: { template?: { spec?: { serviceAccountName?: string; securityContext?: ContainerSpec['securityContext']; containers?: ContainerSpec[] } } };
}

/** quantityBytes reads a Kubernetes memory quantity (256Mi, 1G, 1048576). */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  if (match === null) throw new Error(`unsupported memory quantity ${quantity}`);
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 };
  return Number(match[1]) * (units[match[2] ?? ''] ?? 1);
}

function withoutFlags(args: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (flags.some((f) => arg.startsWith(`${f}=`))) continue;
    if (flags.includes(arg)) {
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/**
 * podFromDeployment reads the operator container of a Deployment as a kubelet
 * would run it: its args (with the health address replaced, since the test
 * shares the host's network, and the watched namespace when one is given,
 * since it shares the control plane), its env (downward-API fieldRefs
 * resolved), runAsUser/runAsGroup, its seccomp profile, its memory limit and
 * service account. A runAsNonRoot pod whose user is root is refused, as the
 * kubelet refuses it; a seccomp profile other than RuntimeDefault is refused
 * as not emulated.
 */
export function podFromDeployment(object: unknown, pod: { hostname: string; healthAddr: string; watchNamespace?: string; serviceAccountDir: string; env: Record<string, string> }, imageUser: { uid: number; gid: number }): DeployedPod {
  const deployment = object as DeploymentObject;
  const template = deployment.spec?.template?.spec;
  const container = template?.containers?.find((c) => c.name === 'operator') ?? template?.containers?.[0];
  if (template === undefined || container === undefined) throw new Error('the Deployment has no container');
  const namespace = deployment.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (field === 'metadata.namespace') env[e.name] = namespace;
    else if (field === 'metadata.name') env[e.name] = pod.hostname;
    else throw new Error(`env ${e.name}: only values and metadata fieldRefs are emulated`);
  }
  const security = { ...template.securityContext, ...container.securityContext };
  const user = { uid: security.runAsUser ?? imageUser.uid, gid: security.runAsGroup ?? imageUser.gid };
  if (security.runAsNonRoot === true && user.uid === 0) throw new Error('runAsNonRoot, but the container would run as root');
  const args = container.args ?? [];
  const lease = args.map((a, i) => (a.startsWith('--lease-name=') ? a.slice('--lease-name='.length) : a === '--lease-name' ? args[i + 1] : undefined)).find((v) => v !== undefined);
  const memory = container.resources?.limits?.memory;
  const seccomp = security.seccompProfile?.type;
  if (seccomp !== undefined && seccomp !== 'RuntimeDefault') throw new Error(`seccompProfile ${seccomp}: only RuntimeDefault is emulated`);
  const replaced = pod.watchNamespace === undefined ? ['--health-addr'] : ['--health-addr', '--watch-namespace'];
  return {
    hostname: pod.hostname,
    args: [...withoutFlags(args, replaced), '--health-addr', pod.healthAddr, ...(pod.watchNamespace === undefined ? [] : ['--watch-namespace', pod.watchNamespace])],
    env: { ...pod.env, ...env },
    serviceAccountDir: pod.serviceAccountDir,
    user,
    ...(memory === undefined ? {} : { memoryLimit: quantityBytes(memory) }),
    ...(seccomp === undefined ? {} : { seccomp: runtimeDefaultLike() }),
    serviceAccount: { namespace, name: template.serviceAccountName ?? 'default' },
    leaseName: lease ?? 'storefront-token-operator',
  };
}

/** ServiceAccountMount is where the kubelet projects a Pod's service-account token, CA and namespace. */
export const ServiceAccountMount = '/var/run/secrets/kubernetes.io/serviceaccount';

/** unpackBundle runs `umoci unpack` on the layout's image: bundleDir/rootfs and a config.json from the image's config. */
export async function unpackBundle(layout: OciLayout, bundleDir: string): Promise<void> {
  await exec('umoci', ['unpack', '--image', `${layout.dir}:${layout.refName}`, bundleDir], { maxBuffer: 16 * 1024 * 1024 });
}

/**
 * configurePod rewrites the config.json umoci generated (the image's
 * entrypoint, user, environment and working directory) for the pod. What
 * changes is what a container's args, env, user and memory limit and the
 * Deployment's securityContext imply: the root file system read-only, every
 * capability dropped, no privilege escalation, the service-account volume
 * mounted read-only, no terminal. Those four are applied whatever the
 * Deployment says: the image must work under them. The seccomp filter is the
 * pod's (see seccomp.ts). The one departure from a Pod: no network
 * namespace, so the process reaches the API server and the sandbox, which
 * listen on this host's loopback, as a hostNetwork Pod would.
 */
export async function configurePod(bundleDir: string, layout: OciLayout, pod: PodSpec): Promise<RuntimeConfig> {
  const path = join(bundleDir, 'config.json');
  const config = JSON.parse(await readFile(path, 'utf8')) as RuntimeConfig;
  const image = layout.config.config;
  config.process.terminal = false;
  config.process.args = [...(image.Entrypoint ?? []), ...pod.args];
  // umoci adds TERM for its terminal; a Pod without a tty gets none.
  config.process.env = [...config.process.env.filter((e) => !e.startsWith('TERM=')), ...Object.entries(pod.env).map(([k, v]) => `${k}=${v}`)];
  config.process.capabilities = { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] };
  config.process.noNewPrivileges = true;
  if (pod.user !== undefined) config.process.user = { uid: pod.user.uid, gid: pod.user.gid };
  config.root.readonly = true;
  config.hostname = pod.hostname;
  if (pod.memoryLimit !== undefined) config.linux.resources = { ...config.linux.resources, memory: { limit: pod.memoryLimit } };
  if (pod.seccomp !== undefined) config.linux.seccomp = pod.seccomp;
  else delete config.linux.seccomp;
  config.linux.namespaces = config.linux.namespaces.filter((n) => n.type !== 'network');
  config.mounts = [
    ...config.mounts.filter((m) => m.destination !== ServiceAccountMount),
    { destination: ServiceAccountMount, type: 'bind', source: pod.serviceAccountDir, options: ['rbind', 'ro', 'nosuid', 'nodev', 'noexec'] },
  ];
  await writeFile(path, JSON.stringify(config, null, 2));
  return config;
}

/** RuntimeConfig is the part of an OCI runtime config.json that configurePod reads and writes. */
export interface RuntimeConfig {
  process: { terminal: boolean; user: { uid: number; gid: number }; args: string[]; env: string[]; cwd: string; capabilities?: Record<string, string[]>; noNewPrivileges?: boolean };
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: { destination: string; type?: string; source?: string; options?: string[] }[];
  linux: { namespaces: { type: string }[]; resources?: { memory?: { limit?: number } } & Record<string, unknown>; seccomp?: SeccompProfile };
}

/** A Container is a runc container running in the foreground of a child process. */
export interface Container {
  readonly id: string;
  readonly child: ChildProcess;
  /** lines holds every line it wrote (stdout and stderr). */
  readonly lines: string[];
  /** exited resolves with the exit code (or signal) of the container's process. */
  readonly exited: Promise<string>;
  /** pid is the container's init process as the host sees it. */
  pid(): Promise<number>;
  /** exec runs another process in the container (its user, namespaces, root) and returns its exit code and output. */
  exec(args: readonly string[]): Promise<{ code: number; output: string }>;
  /** stop sends SIGTERM (as a Pod's deletion does) and waits for the exit. */
  stop(): Promise<string>;
  /** remove force-deletes the container (idempotent). */
  remove(): void;
}

/** runContainer starts `runc run` on a bundle; the container's stdio are the child's pipes. */
export function runContainer(bundleDir: string, id: string): Container {
  const child = spawn('runc', ['run', '--bundle', bundleDir, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(signal ?? `exit ${String(code)}`);
    });
  });
  const remove = (): void => {
    try {
      execFileSync('runc', ['delete', '--force', id], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  };
  // A worker that dies mid-test must not leave the container running.
  process.once('exit', remove);
  return {
    id, child, lines, exited, remove,
    async pid() {
      const { stdout } = await exec('runc', ['state', id]);
      return (JSON.parse(stdout) as { pid: number }).pid;
    },
    async exec(args) {
      return new Promise((resolve) => {
        const p = spawn('runc', ['exec', id, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        p.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
        p.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
        p.once('close', (code) => {
          resolve({ code: code ?? -1, output });
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) await exec('runc', ['kill', id, 'TERM']).catch(() => undefined);
      return exited;
    },
  };
}
