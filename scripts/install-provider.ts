// Builds the provider bundle and lays out a local filesystem mirror under the
// given directory, then prints the TF_CLI_CONFIG_FILE to export. Used by
// scripts/example.sh and by people trying the provider without a registry.
import { resolve } from 'node:path';
import { buildProvider } from '../provider/tooling/build.js';
import { installProvider } from '../provider/tooling/install.js';

const root = resolve(process.argv[2] ?? '.cache/terraform-provider');
const built = await buildProvider({ outDir: `${root}/build` });
const installed = installProvider({ built, root: `${root}/install` });
process.stdout.write(`${installed.cliConfigPath}\n`);
