import type { Condition, StorefrontTokenStatus } from '../core/schema/status.js';
import type { KubeObject } from '../kube/index.js';

/** A StorefrontTokenObject is a StorefrontToken as the API server stores it; spec is unvalidated input. */
export interface StorefrontTokenObject extends KubeObject {
  spec?: unknown;
  status?: StorefrontTokenStatus & { conditions?: Condition[] };
}

/** A ConnectionObject is a PlatformConnection or ClusterPlatformConnection; spec is unvalidated input. */
export interface ConnectionObject extends KubeObject {
  spec?: unknown;
}
