import type { TestProject } from 'vitest/node';
import { startLeaseServer } from './lease-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** sftokenControlPlaneLease is the lease server URL; see useControlPlane(). */
    sftokenControlPlaneLease: string;
  }
}

/**
 * Vitest globalSetup: one control plane per run, started only when a test file
 * calls useControlPlane(), stopped at teardown (and by the exit guard and
 * watchdog if the run is interrupted).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lease = await startLeaseServer();
  project.provide('sftokenControlPlaneLease', lease.url);
  return () => lease.close();
}
