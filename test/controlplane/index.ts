export { EphemeralLabel, freshNamespace } from './fresh-namespace.js';
export { startLeaseServer, type ControlPlaneLease, type LeaseServer } from './lease-server.js';
export { useControlPlane, type TestControlPlane } from './use-control-plane.js';
