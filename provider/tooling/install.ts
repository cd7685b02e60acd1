import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
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

  const mirrorDir = join(root, 'mirror');
  const platform = enginePlatform();
  let overrideDir = '';
  for (const host of REGISTRY_HOSTS) {
    // Only the launcher may live here: engines run the first file named terraform-provider-<type>*.
    const dir = join(mirrorDir, host, PROVIDER_NAMESPACE, PROVIDER_TYPE, version, platform);
    mkdirSync(dir, { recursive: true });
    writeLauncher(join(dir, `terraform-provider-${PROVIDER_TYPE}_v${version}`), bundlePath, loaderPath);
    overrideDir = dir;
  }

  const patterns = REGISTRY_HOSTS.map((h) => `"${h}/${PROVIDER_NAMESPACE}/*"`).join(', ');
  const overrides =
    options.devOverrides === true
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
