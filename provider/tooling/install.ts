import { copyFileSync, cpSync, linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuiltProvider } from './build.js';
import { writeLauncher } from './build.js';

/** PROVIDER_NAMESPACE and PROVIDER_TYPE make the source address `storefront-token/sftoken`. */
export const PROVIDER_NAMESPACE = 'storefront-token';
/** PROVIDER_TYPE is the provider type, the prefix of every resource type. */
export const PROVIDER_TYPE = 'sftoken';
/** REGISTRY_HOSTS are the default hosts of Terraform and OpenTofu; `storefront-token/sftoken` expands to either. */
export const REGISTRY_HOSTS = ['registry.terraform.io', 'registry.opentofu.org'] as const;

/** InstallOptions says what to install and where. */
export interface InstallOptions {
  /** built is the output of buildProvider. */
  readonly built: BuiltProvider;
  /** root receives `runtime/`, `mirror/` and the CLI config file. */
  readonly root: string;
  /** version to install as. @default "0.1.0" */
  readonly version?: string;
  /** devOverrides also adds a dev_overrides entry (for tools that must skip the lock file). @default false */
  readonly devOverrides?: boolean;
}

/** InstalledProvider is what to put in the engine's environment and HCL. */
export interface InstalledProvider {
  /** source for `required_providers`. */
  readonly source: string;
  /** version installed. */
  readonly version: string;
  /** cliConfigPath is the file to pass as TF_CLI_CONFIG_FILE. */
  readonly cliConfigPath: string;
  /** mirrorDir is the filesystem mirror root. */
  readonly mirrorDir: string;
  /** env holds TF_CLI_CONFIG_FILE, ready to merge into a child process environment. */
  readonly env: { readonly TF_CLI_CONFIG_FILE: string };
}

/**
 * installProvider lays out a local filesystem mirror for both registry hosts
 * and writes a CLI config that takes `storefront-token/*` from it, so
 * `terraform init` / `tofu init` need no registry and write a lock file, and
 * `providers schema -json` works (CDKTF generation runs init first).
 */
export function installProvider(options: InstallOptions): InstalledProvider {
  const version = options.version ?? '0.1.0';
  const root = resolve(options.root);
  const runtime = join(root, 'runtime', version);
  mkdirSync(runtime, { recursive: true });
  const bundlePath = join(runtime, `terraform-provider-${PROVIDER_TYPE}.cjs`);
  cpSync(options.built.bundlePath, bundlePath);
  cpSync(`${options.built.bundlePath}.v8cache`, `${bundlePath}.v8cache`, { force: true });
  const loaderPath = join(runtime, 'code-cache.cjs');
  cpSync(options.built.loaderPath, loaderPath);
  cpSync(options.built.protoDir, join(runtime, 'proto'), { recursive: true });

  return writeMirror(root, version, options.devOverrides === true, (dir, name) => {
    writeLauncher(join(dir, name), bundlePath, loaderPath);
  });
}

/** StandaloneInstallOptions says which standalone executable to install and where. */
export interface StandaloneInstallOptions {
  /** executable is a standalone provider for this machine (provider/tooling/sea.ts). */
  readonly executable: string;
  /** root receives `mirror/` and the CLI config file. */
  readonly root: string;
  /** version to install as. @default "0.1.0" */
  readonly version?: string;
  /** devOverrides also adds a dev_overrides entry. @default false */
  readonly devOverrides?: boolean;
}

/**
 * installStandalone lays out the same filesystem mirror and CLI config as
 * installProvider with the standalone executable, the file a release ships,
 * in place of the launcher. The executable is hard-linked when it can be
 * (it is ~100 MB), symlinked across file systems; engines follow both.
 */
export function installStandalone(options: StandaloneInstallOptions): InstalledProvider {
  const version = options.version ?? '0.1.0';
  return writeMirror(resolve(options.root), version, options.devOverrides === true, (dir, name) => {
    const target = join(dir, name);
    rmSync(target, { force: true });
    try {
      linkSync(options.executable, target);
    } catch {
      try {
        symlinkSync(resolve(options.executable), target);
      } catch {
        copyFileSync(options.executable, target);
      }
    }
  });
}

// Writes <root>/mirror/<host>/storefront-token/sftoken/<version>/<os_arch>/ for
// both registry hosts (place puts the executable there) and the CLI config.
function writeMirror(root: string, version: string, devOverrides: boolean, place: (dir: string, name: string) => void): InstalledProvider {
  const mirrorDir = join(root, 'mirror');
  const platform = enginePlatform();
  let overrideDir = '';
  for (const host of REGISTRY_HOSTS) {
    // Only the executable may live here: engines run the first file named terraform-provider-<type>*.
    const dir = join(mirrorDir, host, PROVIDER_NAMESPACE, PROVIDER_TYPE, version, platform);
    mkdirSync(dir, { recursive: true });
    place(dir, `terraform-provider-${PROVIDER_TYPE}_v${version}`);
    overrideDir = dir;
  }

  const patterns = REGISTRY_HOSTS.map((h) => `"${h}/${PROVIDER_NAMESPACE}/*"`).join(', ');
  const overrides = devOverrides
    ? `  dev_overrides {\n${REGISTRY_HOSTS.map((h) => `    "${h}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}" = ${JSON.stringify(overrideDir)}\n`).join('')}  }\n`
    : '';
  const cliConfigPath = join(root, 'terraform.rc');
  writeFileSync(
    cliConfigPath,
    `# Written by provider/tooling/install.ts: take ${PROVIDER_NAMESPACE}/* from the local mirror, everything else from registries.\n` +
      `provider_installation {\n${overrides}` +
      `  filesystem_mirror {\n    path    = ${JSON.stringify(mirrorDir)}\n    include = [${patterns}]\n  }\n` +
      `  direct {\n    exclude = [${patterns}]\n  }\n}\n`,
  );
  return { source: `${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`, version, cliConfigPath, mirrorDir, env: { TF_CLI_CONFIG_FILE: cliConfigPath } };
}

/** enginePlatform is the engine's OS_ARCH for this machine, e.g. linux_amd64. */
export function enginePlatform(): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' } as Readonly<Record<string, string>>)[process.arch] ?? process.arch;
  return `${process.platform}_${arch}`;
}
