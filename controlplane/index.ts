export { BinDirEnv, ensureControlPlaneBinaries, type ControlPlaneBinaries, type EnsureBinariesOptions } from './build.js';
export { installCrds, type CrdManifest, type InstallCrdsOptions } from './crds.js';
export { ControlPlaneError, isControlPlaneError, type ControlPlaneErrorCode } from './errors.js';
export {
  DefaultControllers,
  startControlPlane,
  type ControlPlane,
  type ControlPlanePids,
  type StartControlPlaneOptions,
} from './harness.js';
export { renderKubeconfig, type KubeconfigInput } from './kubeconfig.js';
export {
  clearDevClusterState,
  defaultDevClusterStateDir,
  devClusterKubeconfigPath,
  readDevClusterState,
  writeDevClusterState,
  DevClusterState,
} from './dev-cluster-state.js';
export { runSupervisor } from './supervisor.js';
