'use strict';
// Main script of the standalone executable (a Node single executable
// application): runs the provider bundle embedded as the SEA asset
// "provider.cjs" through the V8 code cache embedded as "provider.v8cache".
// SEA's own useCodeCache caches only what compiling the main script
// compiles; this cache was written after a run up to the handshake
// (provider/launch/sea-warm.cjs), so it also holds the functions start-up
// compiles lazily, which is most of the time a start would spend in V8.
const { Buffer } = require('node:buffer');
const sea = require('node:sea');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const source = sea.getAsset('provider.cjs', 'utf8');
let cachedData;
try {
  cachedData = Buffer.from(sea.getAsset('provider.v8cache'));
} catch {
  // Built without a cache (no way to run the target's node at build time): V8 compiles as usual.
  cachedData = undefined;
}
const filename = process.execPath;
const script = new vm.Script(Module.wrap(source), { filename, cachedData });
if (process.env.SFTOKEN_CODE_CACHE_REPORT === '1') {
  // For the release test: a rejected cache (another V8, other flags) still works, only slower, so it must be asked for.
  process.stderr.write(`sftoken code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'accepted'}\n`);
}
const mod = new Module(filename, null);
mod.filename = filename;
// The bundle needs only Node's built-in modules, which SEA's require loads.
script.runInThisContext()(mod.exports, require, mod, filename, path.dirname(filename));
