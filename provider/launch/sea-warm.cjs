'use strict';
// Build-time only: runs a provider bundle (argv[2]) up to its go-plugin
// handshake line with the node that the standalone executable will embed,
// then writes the V8 code cache (argv[3]) of everything compiled so far and
// exits. The caller sets the plugin environment (cookie, client certificate)
// and a scratch TMPDIR for the socket. sea-main.cjs wraps the source the
// same way, which V8 checks (with its version and flags) before using it.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { setTimeout } = require('node:timers');

const [bundle, cacheFile] = process.argv.slice(2);
if (bundle === undefined || cacheFile === undefined) {
  process.stderr.write('usage: node sea-warm.cjs <bundle.cjs> <out.v8cache>\n');
  process.exit(2);
}
process.argv.splice(2, 2);
const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle });
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (String(chunk).startsWith('1|6|')) {
    fs.writeFileSync(cacheFile, script.createCachedData());
    process.exit(0);
  }
  return write(chunk, ...rest);
};
setTimeout(() => {
  process.stderr.write('sea-warm: no handshake within 60 s\n');
  process.exit(1);
}, 60_000).unref();
const mod = new Module(bundle, null);
mod.filename = bundle;
script.runInThisContext()(mod.exports, require, mod, bundle, path.dirname(bundle));
