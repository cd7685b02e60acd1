export { startSandbox, type Sandbox, type SandboxPlatforms } from './sandbox.js';
export {
  DEFAULT_CREDENTIALS,
  DEFAULT_RATE_LIMITS,
  type SandboxOptions,
  type SandboxCredentials,
  type CredentialOverrides,
  type RateLimitsPatch,
  type FaultsOption,
} from './options.js';
export type { FaultPatch, FaultScope, FaultSettings, FaultSnapshot } from './faults.js';
export type { InventoryEntry, TokenScope, TokenState } from './inventory.js';
export type { StatsRow, StatsSnapshot } from './stats.js';
export type { Violation } from './conformance.js';
export { describeViolation, violationReport } from './violation-report.js';
export type { RateLimitConfig } from './rate-limiter.js';
export type { ResetOptions } from './control.js';
export { PLATFORM_NAMES, isPlatformName, type PlatformName } from './platform-name.js';
export { SandboxError, isSandboxError, type SandboxErrorCode } from './sandbox-error.js';
export { CF_PERMISSION_GROUPS, type CfPermissionGroup } from './platforms/cloudflare-permission-groups.js';
export { BC_TOKEN_TYPE } from './platforms/bigcommerce.js';
