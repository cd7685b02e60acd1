// Test fixture: starts a control plane, reports its pids and temp dir on
// stdout, then idles until killed. Deliberately installs no signal handlers of
// its own, so the harness's exit guard and watchdog are what clean up.
import { startControlPlane } from '../../../controlplane/index.js';

const cp = await startControlPlane();
process.stdout.write(`${JSON.stringify({ pids: cp.pids, dir: cp.dir })}\n`);
setInterval(() => undefined, 60_000);
