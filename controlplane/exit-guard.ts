// Synchronous last-chance cleanup for this process: on normal exit, on an
// uncaught error (Node still emits 'exit') and on SIGINT/SIGTERM/SIGHUP. The
// watchdog covers the one case no hook sees, SIGKILL.
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort at exit: one failing cleanup must not skip the others.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  // If nobody else handles the signal, die by it as the default would have;
  // otherwise the other handler (e.g. vitest's) decides how to exit.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of signals) process.on(signal, onSignal);
}

/** onProcessExit registers a synchronous cleanup and returns a function that unregisters it. */
export function onProcessExit(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
