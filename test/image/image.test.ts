import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { useToken } from '../../cli/demo/token-use.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { fingerprint } from '../../core/secret.js';
import { secretPath, type KubeObject } from '../../kube/index.js';
import { tokenPath } from '../../operator/names.js';
import type { Sandbox } from '../../sandbox/index.js';
import type { BuiltImage } from '../../scripts/image-build.js';
import { sha256File } from '../../scripts/image-oci.js';
import { freshNamespace } from '../controlplane/fresh-namespace.js';
import { applyIn, condition, exampleObjects, getSecret, getToken, repoRoot, secretValue, shareWorld, waitFor, waitReady, type Cluster } from '../operator/world.js';
import { applyObjects, render } from '../helm/helm.js';
import { ServiceAccountMount, configurePod, podFromDeployment, readArchive, runContainer, unpackBundle, type Container, type DeployedPod, type OciLayout } from './pod.js';

// The operator's OCI image, end to end: `npm run image` twice (the second
// deriving every layer afresh, under another umask and time zone) gives the
// same bytes; skopeo reads the archive; the unpacked root file system holds
// node, the bundle, CA certificates and time zones and no shell or npm; and
// the image's own entrypoint, run by runc from that root file system as its
// non-root user with a read-only root and a seccomp filter, in-cluster with a
// TokenRequest token for the chart's ServiceAccount, reconciles
// examples/kubernetes/ against the control plane and the sandbox, serves its
// probes and metrics and holds the Lease; in namespaced mode one process
// reconciles two namespaces with no cluster-wide grant, and its own
// credentials read nothing elsewhere. The Debian tools come from
// scripts/image-tools.sh (npm test runs it).

const exec = promisify(execFile);
const Platforms = ['avvyr', 'bigcommerce', 'cloudflare', 'wizcommerce'] as const;
// What an operator's identity is made of; the rest of deploy/ is the workload a kubelet would run.
const IdentityKinds = new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);

let dir: string;
let built: BuiltImage;
let layout: OciLayout;
let bundle: string;

async function buildImage(outDir: string, extra: readonly string[], umask = '022'): Promise<BuiltImage> {
  // Through the package.json script, in a shell whose umask and time zone the build must not depend on.
  // SOURCE_DATE_EPOCH unset: the build must take the commit's time.
  const { SOURCE_DATE_EPOCH: _unset, ...env } = process.env;
  const { stdout } = await exec('bash', ['-c', `umask ${umask} && exec npm run --silent image -- "$@"`, 'image', '--out', outDir, '--json', ...extra], {
    cwd: repoRoot, env: { ...env, TZ: umask === '022' ? 'UTC' : 'Pacific/Chatham' }, maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as BuiltImage;
}

beforeAll(async () => {
  execFileSync('bash', [join(repoRoot, 'scripts', 'image-tools.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  dir = await mkdtemp(join(tmpdir(), 'sftoken-image-'));
  built = await buildImage(join(dir, 'a'), []);
  layout = await readArchive(built.archive, join(dir, 'layout'));
  bundle = join(dir, 'bundle');
  await unpackBundle(layout, bundle);
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('image build', () => {
  it('is reproducible: a second build from a fresh layer cache, another umask and time zone gives the same digest and bytes', async () => {
    const again = await buildImage(join(dir, 'b'), ['--fresh'], '077');
    expect(again.layers.map((l) => l.cached), 'every layer rebuilt').toEqual([false, false, false]);
    expect(again.layers.map((l) => l.digest)).toEqual(built.layers.map((l) => l.digest));
    expect(again.digest).toBe(built.digest);
    expect(await sha256File(again.archive)).toBe(await sha256File(built.archive));
  }, 300_000);

  it('is an OCI image skopeo reads: digest, annotations, non-root user, entrypoint, size budget', async () => {
    const { stdout } = await exec('skopeo', ['inspect', `oci-archive:${built.archive}:${built.tag}`]);
    const inspected = JSON.parse(stdout) as { Digest: string; Labels: Record<string, string>; Architecture: string; Os: string };
    expect(inspected.Digest).toBe(built.digest);
    expect(layout.manifestDigest).toBe(built.digest);
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string; license: string };
    // The revision is a commit of this repository, and the image's time is that commit's.
    const commit = built.revision.replace(/-dirty$/, '');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Number(execFileSync('git', ['log', '-1', '--format=%ct', commit], { cwd: repoRoot, encoding: 'utf8' }).trim())).toBe(built.sourceDateEpoch);
    for (const labels of [inspected.Labels, layout.manifest.annotations ?? {}]) {
      expect(labels['org.opencontainers.image.version']).toBe(pkg.version);
      expect(labels['org.opencontainers.image.licenses']).toBe(pkg.license);
      expect(labels['org.opencontainers.image.revision']).toBe(built.revision);
      expect(labels['org.opencontainers.image.source']).toMatch(/^https:\/\//);
    }
    expect(built.tag).toBe(pkg.version);
    expect(layout.refName).toBe(pkg.version);
    expect([inspected.Os, inspected.Architecture]).toEqual(['linux', 'amd64']);
    const config = layout.config.config;
    expect(config.User).toBe('65532:65532');
    expect(config.Entrypoint).toEqual(['/usr/local/bin/node', '--use-openssl-ca', '/app/sftoken.mjs']);
    expect(config.Cmd?.[0]).toBe('operator');
    expect(layout.config.created).toBe(new Date(built.sourceDateEpoch * 1000).toISOString().replace('.000Z', 'Z'));
    expect(built.compressedSize, 'under 80 MB compressed').toBeLessThan(80_000_000);
    // The reported size is what a registry stores: the layers, the config and the manifest.
    const manifestSize = (await lstat(join(layout.dir, 'blobs', 'sha256', built.digest.slice('sha256:'.length)))).size;
    expect(built.compressedSize).toBe(layout.manifest.layers.reduce((n, l) => n + l.size, 0) + layout.manifest.config.size + manifestSize);
  });

  it('holds node, the bundle, CA certificates and time zones, and no shell, npm or compiler', async () => {
    const rootfs = join(bundle, 'rootfs');
    const executables: string[] = [];
    const scripts: string[] = [];
    const visit = async (rel: string): Promise<void> => {
      for (const entry of await readdir(join(rootfs, rel), { withFileTypes: true })) {
        const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          await visit(path);
          continue;
        }
        if (!entry.isFile()) continue;
        const info = await lstat(join(rootfs, path));
        if ((info.mode & 0o111) !== 0) executables.push(path);
        if ((await readFile(join(rootfs, path))).subarray(0, 2).toString('latin1') === '#!') scripts.push(path);
      }
    };
    await visit('');
    // The dynamic loader and libc are executable as ELF files always are; nothing else but node.
    expect(executables.sort()).toEqual(['lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'lib/x86_64-linux-gnu/libc.so.6', 'usr/local/bin/node']);
    expect(scripts, 'no script an interpreter could run').toEqual([]);
    expect(await readdir(join(rootfs, 'app'))).toEqual(['THIRD_PARTY_NOTICES', 'sftoken.mjs']);
    const notices = await readFile(join(rootfs, 'app', 'THIRD_PARTY_NOTICES'), 'utf8');
    expect(notices).toContain('==== @kubernetes/client-node@');
    expect(notices).toContain('==== pino@');

    const bundleText = await readFile(join(rootfs, 'etc', 'ssl', 'certs', 'ca-certificates.crt'), 'utf8');
    const pems = bundleText.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(pems.length, 'Debian\'s Mozilla roots').toBeGreaterThan(100);
    for (const pem of pems) expect(new X509Certificate(pem).ca).toBe(true);
    const berlin = await readFile(join(rootfs, 'usr', 'share', 'zoneinfo', 'Europe', 'Berlin'));
    expect(berlin.subarray(0, 4).toString('latin1')).toBe('TZif');
    expect(await readFile(join(rootfs, 'etc', 'passwd'), 'utf8')).toContain('nonroot:x:65532:65532:');
    expect(await readFile(join(rootfs, 'etc', 'os-release'), 'utf8')).toContain('VERSION_ID="12"');
    expect((await readdir(join(rootfs, 'var', 'lib', 'dpkg', 'status.d'))).sort()).toEqual(built.debian.map((p) => p.split('=')[0]).sort());
  });
});

describe('image run', () => {
  let cluster: Cluster;
  let sandbox: Sandbox;
  shareWorld((c, s) => {
    cluster = c;
    sandbox = s;
  });

  /**
   * startPod installs a release's identity (what `helm install` creates minus the workload a kubelet
   * would run) and starts the chart's operator container as its Pod would run: the projected
   * service-account volume (a TokenRequest token, the cluster CA, the namespace), the Deployment's
   * args, env, user, seccomp profile and memory limit, probes on a free loopback port.
   */
  async function startPod(release: string, namespace: string, values: Readonly<Record<string, unknown>>, watchNamespace?: string): Promise<{ pod: DeployedPod; container: Container; health: string; leasePath: string; objects: KubeObject[] }> {
    const objects = await render(release, namespace, { ...values, 'crds.install': false });
    await applyObjects(cluster.kube, objects.filter((o) => IdentityKinds.has(o.kind ?? '')), { fieldManager: 'sftoken-image-test' });
    const port = await freePort();
    const server = new URL(cluster.cp.server);
    const serviceAccountDir = join(dir, `serviceaccount-${release}`);
    const [uid = '', gid = ''] = (layout.config.config.User ?? '').split(':');
    const pod = podFromDeployment(objects.find((o) => o.kind === 'Deployment'), {
      hostname: `${release}-${namespace.slice(-5)}`,
      healthAddr: `127.0.0.1:${String(port)}`,
      ...(watchNamespace === undefined ? {} : { watchNamespace }),
      serviceAccountDir,
      env: { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port },
    }, { uid: Number(uid), gid: Number(gid) });
    const { namespace: saNamespace, name: saName } = pod.serviceAccount;
    const minted = await cluster.kube.send<{ status: { token: string } }>('POST', `/api/v1/namespaces/${saNamespace}/serviceaccounts/${saName}/token`, {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
    });
    await mkdir(serviceAccountDir, { recursive: true });
    await writeFile(join(serviceAccountDir, 'token'), minted?.status.token ?? '');
    await writeFile(join(serviceAccountDir, 'ca.crt'), await readFile(cluster.cp.caFile));
    await writeFile(join(serviceAccountDir, 'namespace'), saNamespace);
    await chmod(serviceAccountDir, 0o755);
    const config = await configurePod(bundle, layout, pod);
    expect(config.process.user).toEqual({ uid: 65532, gid: 65532 });
    const container = runContainer(bundle, `sftoken-image-${namespace}`);
    onTestFailed(() => {
      process.stderr.write(`--- container ${container.id} output ---\n${container.lines.slice(-80).join('\n')}\n`);
    });
    return { pod, container, health: `http://127.0.0.1:${String(port)}`, leasePath: `/apis/coordination.k8s.io/v1/namespaces/${saNamespace}/leases/${pod.leaseName}`, objects };
  }

  it('runs as a Pod would: in-cluster, non-root, read-only root, seccomp; reconciles examples/kubernetes/, serves probes and metrics, holds the Lease', async () => {
    // The chart in cluster mode (deploy/ is the same for the default release), under a release of its
    // own so its Lease and ServiceAccount are nobody else's (test/operator/deploy.test.ts uses deploy/'s).
    // The namespace is limited so the operator leaves other test files' tokens alone.
    const system = await freshNamespace(cluster.cp.kubeConfig(), 'image-system');
    const ns = await freshNamespace(cluster.cp.kubeConfig(), 'image-e2e');
    const { pod, container, health, leasePath } = await startPod('sft-image', system, {}, ns);
    const saNamespace = pod.serviceAccount.namespace;
    const hostname = pod.hostname;
    try {
      // Leader election: the Lease names the pod's hostname and its PID inside the container, 1.
      await waitFor('the container holds the Lease', async () => (await cluster.kube.get<{ spec: { holderIdentity?: string } }>(leasePath))?.spec.holderIdentity === `${hostname}-1`, 60_000);
      await waitFor('/readyz', async () => (await fetch(`${health}/readyz`)).status === 200, 30_000);
      expect((await fetch(`${health}/healthz`)).status).toBe(200);

      // What the kernel says about the process, not what the config asked for.
      const pid = await container.pid();
      const status = await readFile(`/proc/${String(pid)}/status`, 'utf8');
      expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
      expect(status).toMatch(/^CapEff:\s+0+$/m);
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
      // The Deployment asks for seccomp RuntimeDefault: the kernel has the filter in force (mode 2, filter).
      expect(pod.seccomp, 'the Deployment\'s seccompProfile').toBeDefined();
      expect(status).toMatch(/^Seccomp:\s+2$/m);
      const rootMount = (await readFile(`/proc/${String(pid)}/mountinfo`, 'utf8')).split('\n').find((l) => l.split(' ')[4] === '/');
      expect(rootMount?.split(' ')[5]?.split(',')).toContain('ro');
      const memoryCgroup = await cgroupFile(pid, 'memory', 'memory.limit_in_bytes');
      if (pod.memoryLimit !== undefined) expect(Number(await readFile(memoryCgroup, 'utf8')), 'the Deployment\'s memory limit').toBe(pod.memoryLimit);
      const environ = (await readFile(`/proc/${String(pid)}/environ`, 'utf8')).split('\0');
      expect(environ).toEqual(expect.arrayContaining(['SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', `KUBERNETES_SERVICE_HOST=${new URL(cluster.cp.server).hostname}`, `POD_NAMESPACE=${saNamespace}`]));
      expect(environ.some((e) => e.startsWith('KUBECONFIG='))).toBe(false);
      const write = await container.exec(['/usr/local/bin/node', '-e', "require('fs').writeFileSync('/tmp/probe', 'x')"]);
      expect(write.code).not.toBe(0);
      expect(write.output).toContain('EROFS');
      const shell = await container.exec(['/bin/sh', '-c', 'true']);
      expect(shell.code, 'no shell in the image').not.toBe(0);
      const mounted = await container.exec(['/usr/local/bin/node', '-e', `process.stdout.write(require('fs').readdirSync('${ServiceAccountMount}').join(','))`]);
      expect(mounted.output).toBe('ca.crt,namespace,token');

      // Issue and deliver: every example, as `kubectl apply -n <ns> -f examples/kubernetes/` would.
      for (const platform of Platforms) await applyIn(cluster, ns, exampleObjects(platform, sandbox.url));
      const delivered: { name: string; platform: (typeof Platforms)[number]; secret: string; key: string; value: string }[] = [];
      for (const platform of Platforms) {
        const object = exampleObjects(platform, sandbox.url).find((o) => o.kind === 'StorefrontToken');
        const name = object?.metadata.name ?? '';
        const token = await waitReady(cluster, ns, name, 60_000);
        const spec = storefrontTokenSpecSchema.parse(token.spec);
        const value = secretValue(await getSecret(cluster, ns, spec.secret.name), spec.secret.keys.token) ?? '';
        expect(value, `${platform} token delivered`).not.toBe('');
        expect((await useToken(sandbox.platforms[platform].baseUrl, spec, value)).status, `${platform} token accepted`).toBeLessThan(300);
        delivered.push({ name, platform, secret: spec.secret.name, key: spec.secret.keys.token, value });
      }
      const metrics = await (await fetch(`${health}/metrics`)).text();
      expect(metrics).toMatch(/^sftoken_leader 1$/m);
      for (const platform of Platforms) expect(metrics).toContain(`sftoken_platform_calls_total{platform="${platform}"`);

      // Revoke by `revoked: true`: at the platform, in the Secret, in status.
      for (const d of delivered) await cluster.kube.mergePatch(tokenPath(ns, d.name), { spec: { revoked: true } });
      for (const d of delivered) {
        await waitFor(`${d.name} Revoked`, async () => condition(await getToken(cluster, ns, d.name), 'Revoked')?.status === 'True', 60_000);
        await waitFor(`${d.name} Secret emptied`, async () => secretValue(await getSecret(cluster, ns, d.secret), d.key) === '');
        expect(sandbox.inventory(d.platform).find((e) => fingerprint(d.value).startsWith(e.fingerprint))?.state, `${d.platform} revoked at the platform`).toBe('revoked');
        const spec = storefrontTokenSpecSchema.parse((await getToken(cluster, ns, d.name))?.spec);
        expect((await useToken(sandbox.platforms[d.platform].baseUrl, spec, d.value)).status, `${d.platform} refuses the revoked token`).toBeGreaterThanOrEqual(400);
      }

      // Deleting the tokens runs their finalizers in the container, so the namespace can go.
      for (const d of delivered) await cluster.kube.call('DELETE', tokenPath(ns, d.name));
      for (const d of delivered) await waitFor(`${d.name} deleted`, async () => (await getToken(cluster, ns, d.name)) === undefined, 30_000);

      const peak = Number(await readFile(memoryCgroup.replace('limit_in_bytes', 'max_usage_in_bytes'), 'utf8'));
      process.stderr.write(`image run: peak memory ${(peak / 2 ** 20).toFixed(0)} MiB of ${((pod.memoryLimit ?? 0) / 2 ** 20).toFixed(0)} MiB\n`);

      // A Pod's deletion: SIGTERM, a clean exit, the Lease handed back.
      expect(await container.stop()).toBe('exit 0');
      expect((await cluster.kube.get<{ spec: { holderIdentity?: string } }>(leasePath))?.spec.holderIdentity ?? '').toBe('');
      expect(container.lines.filter((l) => l.includes('"level":50')), 'no error logged').toEqual([]);
      expect(container.lines.some((l) => delivered.some((d) => l.includes(d.value))), 'no token value in the logs').toBe(false);
    } finally {
      await container.stop();
      container.remove();
    }
  }, 300_000);

  it('namespaced mode over two namespaces: one process reconciles both, lists and watches nothing cluster-wide, may not read elsewhere', async () => {
    const system = await freshNamespace(cluster.cp.kubeConfig(), 'image-ns-system');
    const [a, b, elsewhere] = await Promise.all(['image-ns-a', 'image-ns-b', 'image-ns-c'].map((p) => freshNamespace(cluster.cp.kubeConfig(), p)));
    if (a === undefined || b === undefined || elsewhere === undefined) throw new Error('namespaces not created');
    await cluster.kube.send('POST', secretPath(elsewhere), { metadata: { name: 'not-yours' }, stringData: { k: 'v' } });
    // The chart's own Deployment args: --watch-namespace=a,b --cluster-connections=false.
    const { pod, container, health, leasePath, objects } = await startPod('sft-image-ns', system, { watchNamespaces: [a, b] });
    expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding'), 'no cluster-wide grant at all').toEqual([]);
    expect(pod.args).toEqual(expect.arrayContaining([`--watch-namespace=${a},${b}`, '--cluster-connections=false']));
    const tokens = [
      { ns: a, platform: 'avvyr', name: 'nordic-storefront' },
      { ns: b, platform: 'cloudflare', name: 'edge-kv-reader' },
    ] as const;
    try {
      await waitFor('the container holds the Lease', async () => (await cluster.kube.get<{ spec: { holderIdentity?: string } }>(leasePath))?.spec.holderIdentity === `${pod.hostname}-1`, 60_000);
      // Ready as leader means every list and watch it needs succeeded: a cluster-wide one would be refused.
      await waitFor('/readyz', async () => (await fetch(`${health}/readyz`)).status === 200, 30_000);

      for (const t of tokens) await applyIn(cluster, t.ns, exampleObjects(t.platform, sandbox.url));
      // A token that names a ClusterPlatformConnection: refused with a reason, never a crash.
      const avvyr = exampleObjects('avvyr', sandbox.url).find((o) => o.kind === 'StorefrontToken') as (KubeObject & { spec: Record<string, unknown> }) | undefined;
      await applyIn(cluster, a, [{ ...avvyr, metadata: { name: 'uses-cluster-connection' }, spec: { ...avvyr?.spec, connectionRef: { kind: 'ClusterPlatformConnection', name: 'avvyr' }, secret: { name: 'uses-cluster-connection' } } }]);
      // And one in a namespace it does not watch: never touched.
      await applyIn(cluster, elsewhere, exampleObjects('avvyr', sandbox.url));
      for (const t of tokens) {
        const token = await waitReady(cluster, t.ns, t.name, 60_000);
        const spec = storefrontTokenSpecSchema.parse(token.spec);
        expect(secretValue(await getSecret(cluster, t.ns, spec.secret.name), spec.secret.keys.token), `${t.platform} in ${t.ns} delivered`).not.toBe('');
      }
      const refused = await waitFor('ClusterConnectionsDisabled', async () => {
        const c = condition(await getToken(cluster, a, 'uses-cluster-connection'), 'Synced');
        return c?.reason === 'ClusterConnectionsDisabled' ? c : undefined;
      });
      expect(refused.message).toContain(`PlatformConnection in namespace ${a}`);
      expect((await getToken(cluster, elsewhere, 'nordic-storefront'))?.status, 'a token outside the watched namespaces is not reconciled').toBeUndefined();

      // The Pod's own credentials, from inside the container: the API server refuses everything outside.
      const rows = [
        { reason: 'a Secret in an unwatched namespace', path: secretPath(elsewhere, 'not-yours'), status: 403 },
        { reason: 'Secrets across the cluster', path: '/api/v1/secrets', status: 403 },
        { reason: 'tokens across the cluster', path: tokenPath(), status: 403 },
        { reason: 'ClusterPlatformConnections: no cluster-wide grant', path: '/apis/sftoken.dev/v1alpha1/clusterplatformconnections', status: 403 },
        { reason: 'a watched namespace\'s Secrets', path: secretPath(b), status: 200 },
      ];
      const answered = await asThePod(container, rows.map((r) => r.path));
      for (const [i, row] of rows.entries()) expect(answered[i], row.reason).toBe(row.status);

      for (const t of [...tokens, { ns: a, name: 'uses-cluster-connection' }]) await cluster.kube.call('DELETE', tokenPath(t.ns, t.name));
      for (const t of tokens) await waitFor(`${t.name} deleted`, async () => (await getToken(cluster, t.ns, t.name)) === undefined, 30_000);
      expect(await container.stop()).toBe('exit 0');
      expect(container.lines.filter((l) => /forbidden|\b403\b/i.test(l)), 'the operator needed nothing the chart did not grant').toEqual([]);
      expect(container.lines.filter((l) => l.includes('"level":50')), 'no error logged').toEqual([]);
    } finally {
      await container.stop();
      container.remove();
    }
  }, 180_000);
});

// The statuses the API server answers GETs of these paths with, asked from inside the container with its
// mounted ServiceAccount token and CA (node is the only program in the image).
async function asThePod(container: Container, paths: readonly string[]): Promise<number[]> {
  const script = `const fs = require('fs'); const https = require('https');
const dir = '${ServiceAccountMount}';
const token = fs.readFileSync(dir + '/token', 'utf8'); const ca = fs.readFileSync(dir + '/ca.crt');
const get = (path) => new Promise((resolve) => https.get({ host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT, path, ca, headers: { authorization: 'Bearer ' + token } }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve(0)));
Promise.all(JSON.parse(process.argv[1]).map(get)).then((s) => process.stdout.write(JSON.stringify(s)));`;
  const res = await container.exec(['/usr/local/bin/node', '-e', script, JSON.stringify(paths)]);
  expect(res.code, res.output).toBe(0);
  return JSON.parse(res.output) as number[];
}

// The cgroup v1 file of a controller for a process (runc creates one group per container).
async function cgroupFile(pid: number, controller: string, file: string): Promise<string> {
  const line = (await readFile(`/proc/${String(pid)}/cgroup`, 'utf8')).split('\n').find((l) => l.split(':')[1]?.split(',').includes(controller));
  if (line === undefined) throw new Error(`process ${String(pid)} is in no ${controller} cgroup`);
  return join('/sys/fs/cgroup', controller, line.split(':')[2] ?? '', file);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}
