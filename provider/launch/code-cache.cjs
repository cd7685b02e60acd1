'use strict';
// Loads a CommonJS provider bundle through V8's code cache. Terraform starts a
// fresh provider process for every phase of every command, and compiling the
// bundle is a large share of each start; with the cache V8 skips most of it.
// The cache sits next to the bundle as <bundle>.v8cache; a missing or
// rejected cache (another Node version) is rebuilt at exit, best effort.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = process.argv[2];
if (bundle === undefined) {
  process.stderr.write('usage: node code-cache.cjs <bundle.cjs> [args]\n');
  process.exit(2);
}
process.argv.splice(1, 2, bundle);
const cacheFile = `${bundle}.v8cache`;
const source = fs.readFileSync(bundle, 'utf8');
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
if (cachedData === undefined || script.cachedDataRejected === true) {
  // At exit the cache also holds the functions start-up compiled lazily.
  process.on('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A read-only install still works, just without the cache.
    }
  });
}
const mod = new Module(bundle, module);
mod.filename = bundle;
mod.paths = Module._nodeModulePaths(path.dirname(bundle));
script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
