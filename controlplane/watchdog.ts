import { spawn, type ChildProcess } from 'node:child_process';

// The watchdog is a detached Node process that outlives us only to clean up:
// it learns the process groups and directories we own through its stdin, and
// when that pipe closes without them being released (we were SIGKILLed, or
// crashed past every exit hook) it terminates the groups and removes the
// directories. It runs from source text so it needs no compiled file on disk.
const watchdogSource = String.raw`
const { rmSync } = require('node:fs');
const groups = new Set();
const dirs = new Set();
let buffer = '';
const alive = (g) => { try { process.kill(-g, 0); return true; } catch { return false; } };
const signal = (g, s) => { try { process.kill(-g, s); } catch {} };
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let i;
  while ((i = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    const space = line.indexOf(' ');
    const verb = line.slice(0, space);
    const arg = line.slice(space + 1);
    if (verb === 'group') groups.add(Number(arg));
    else if (verb === 'ungroup') groups.delete(Number(arg));
    else if (verb === 'dir') dirs.add(arg);
    else if (verb === 'undir') dirs.delete(arg);
  }
});
process.stdin.on('end', () => {
  for (const g of groups) signal(g, 'SIGTERM');
  const deadline = Date.now() + 5000;
  const tick = () => {
    const live = [...groups].filter(alive);
    if (live.length > 0 && Date.now() < deadline) { setTimeout(tick, 100); return; }
    for (const g of live) signal(g, 'SIGKILL');
    setTimeout(() => {
      for (const d of dirs) { try { rmSync(d, { recursive: true, force: true }); } catch {} }
      process.exit(0);
    }, 200);
  };
  tick();
});
`;

let watchdog: ChildProcess | undefined;

function send(line: string): void {
  if (watchdog === undefined) {
    watchdog = spawn(process.execPath, ['-e', watchdogSource], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.unref();
    // The pipe must not keep this process alive; closing it is the signal.
    const stdin = watchdog.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
    stdin?.unref?.();
    watchdog.stdin?.on('error', () => {
      // The watchdog died first; nothing more to tell it.
    });
  }
  watchdog.stdin?.write(`${line}\n`);
}

/** guardProcessGroup asks the watchdog to kill this process group if we die without releasing it. */
export function guardProcessGroup(pgid: number): void {
  send(`group ${String(pgid)}`);
}

/** releaseProcessGroup tells the watchdog the group has been stopped by us. */
export function releaseProcessGroup(pgid: number): void {
  send(`ungroup ${String(pgid)}`);
}

/** guardDirectory asks the watchdog to remove this directory if we die without releasing it. */
export function guardDirectory(path: string): void {
  send(`dir ${path}`);
}

/** releaseDirectory tells the watchdog the directory has been removed (or handed over) by us. */
export function releaseDirectory(path: string): void {
  send(`undir ${path}`);
}

/** watchdogPid is the watchdog's process id, if one was started; tests use it to prove it exits. */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
