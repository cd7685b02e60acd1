// Benchmark: cached start-to-ready time of the local control plane (etcd +
// kube-apiserver + kube-controller-manager) and the memory it holds.
//   npx tsx bench/controlplane-start.ts [--runs N] [--settle-ms MS]
// Binaries are built or reused before timing; each run starts a fresh control
// plane, reads VmRSS of every component once ready and again after settling,
// then stops it and times the stop.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureControlPlaneBinaries, startControlPlane, type ControlPlanePids } from '../controlplane/index.js';
import { sleep } from '../controlplane/probe.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'settle-ms': { type: 'string', default: '5000' } } });
const runs = Number(values.runs);
const settleMs = Number(values['settle-ms']);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kib === undefined ? Number.NaN : Number(kib) / 1024;
}

function rssOf(pids: ControlPlanePids): Record<keyof ControlPlanePids | 'total', number> {
  const etcd = rssMiB(pids.etcd);
  const kubeApiserver = rssMiB(pids.kubeApiserver);
  const kubeControllerManager = rssMiB(pids.kubeControllerManager);
  return { etcd, kubeApiserver, kubeControllerManager, total: etcd + kubeApiserver + kubeControllerManager };
}

function stats(xs: readonly number[]): string {
  const sorted = [...xs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return `median ${median.toFixed(0)}  min ${(sorted[0] ?? Number.NaN).toFixed(0)}  max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)}`;
}

const binaries = await ensureControlPlaneBinaries();
const ready: number[] = [];
const total: number[] = [];
const stop: number[] = [];
const rssReady: number[] = [];
const rssSettled: Record<string, number[]> = { etcd: [], kubeApiserver: [], kubeControllerManager: [], total: [] };

for (let i = 1; i <= runs; i++) {
  const t0 = performance.now();
  const cp = await startControlPlane({ binaries });
  const t1 = performance.now();
  const atReady = rssOf(cp.pids);
  await sleep(settleMs);
  const settled = rssOf(cp.pids);
  const t2 = performance.now();
  await cp.stop();
  const t3 = performance.now();
  ready.push(cp.startupMs);
  total.push(t1 - t0);
  stop.push(t3 - t2);
  rssReady.push(atReady.total);
  for (const [k, v] of Object.entries(settled)) rssSettled[k]?.push(v);
  console.log(
    `run ${String(i)}/${String(runs)}: spawn-to-ready ${cp.startupMs} ms, call-to-ready ${(t1 - t0).toFixed(0)} ms, ` +
      `RSS at ready ${atReady.total.toFixed(0)} MiB, after ${String(settleMs)} ms ${settled.total.toFixed(0)} MiB ` +
      `(etcd ${settled.etcd.toFixed(0)}, apiserver ${settled.kubeApiserver.toFixed(0)}, kcm ${settled.kubeControllerManager.toFixed(0)}), stop ${(t3 - t2).toFixed(0)} ms`,
  );
}

console.log(`\ncontrol plane (cached binaries in ${binaries.dir}), ${String(runs)} runs`);
console.log(`spawn-to-ready ms:        ${stats(ready)}`);
console.log(`startControlPlane() ms:   ${stats(total)}`);
console.log(`stop ms:                  ${stats(stop)}`);
console.log(`RSS at ready MiB:         ${stats(rssReady)}`);
for (const [k, v] of Object.entries(rssSettled)) console.log(`RSS settled ${k.padEnd(22)} MiB: ${stats(v)}`);
