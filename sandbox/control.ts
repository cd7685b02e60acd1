import type { IncomingMessage } from 'node:http';
import { FaultError, type FaultPatch, type FaultScope, type FaultSnapshot } from './faults.js';
import type { InventoryEntry } from './inventory.js';
import type { RateLimitsPatch } from './options.js';
import { isRecord, type Reply } from './platform.js';
import { isPlatformName, type PlatformName } from './platform-name.js';
import type { RateLimitConfig } from './rate-limiter.js';
import type { StatsSnapshot } from './stats.js';
import type { Violation } from './conformance.js';

/** ResetOptions choose what `reset` clears besides faults (which it always clears). */
export interface ResetOptions {
  readonly tokens?: boolean;
  readonly stats?: boolean;
  readonly violations?: boolean;
  /** rateLimits restores the limits the sandbox started with. */
  readonly rateLimits?: boolean;
}

/** ControlTarget is the part of the sandbox the `/_sandbox` endpoints drive. */
export interface ControlTarget {
  setFaults(patch: FaultPatch, scope?: FaultScope): void;
  faults(): FaultSnapshot;
  setRateLimits(patch: RateLimitsPatch | false): void;
  rateLimits(): Record<PlatformName, RateLimitConfig>;
  inventory(platform?: PlatformName): InventoryEntry[];
  stats(): StatsSnapshot;
  violations(): Violation[];
  reset(options?: ResetOptions): void;
  /** describe is the ready-line object (base URLs and seeded credentials). */
  describe(): unknown;
}

function bad(message: string): Reply {
  return { status: 400, body: { error: { code: 'bad_request', message } } };
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** createControl answers the sandbox-only `/_sandbox/*` endpoints (documented in docs/sandbox.md). */
export function createControl(target: ControlTarget) {
  return (req: IncomingMessage, segments: readonly string[], query: URLSearchParams, body: unknown): Reply => {
    const route = `${req.method ?? 'GET'} ${segments.join('/')}`;
    switch (route) {
      case 'GET inventory': {
        const p = query.get('platform');
        if (p !== null && !isPlatformName(p)) return bad(`unknown platform "${p}"`);
        return ok({ tokens: target.inventory(p ?? undefined) });
      }
      case 'GET stats':
        return ok(target.stats());
      case 'GET violations':
        return ok({ violations: target.violations() });
      case 'GET faults':
        return ok(target.faults());
      case 'POST faults':
        return postFaults(target, body);
      case 'GET rate-limits':
        return ok(target.rateLimits());
      case 'POST rate-limits':
        return postRateLimits(target, body);
      case 'POST reset': {
        const o = isRecord(body) ? body : {};
        target.reset({ tokens: o['tokens'] === true, stats: o['stats'] === true, violations: o['violations'] === true, rateLimits: o['rateLimits'] === true });
        return ok({ reset: true });
      }
      case 'GET platforms':
        return ok(target.describe());
      case 'GET health':
        return ok({ ok: true });
      default:
        return { status: 404, body: { error: { code: 'not_found', message: 'unknown sandbox control endpoint' } } };
    }
  };
}

function postFaults(target: ControlTarget, body: unknown): Reply {
  if (!isRecord(body)) return bad('body must be a JSON object such as {"platform":"cloudflare","errorRate":0.2}');
  const { platform, ...patch } = body;
  if (platform !== undefined && platform !== 'global' && !isPlatformName(platform)) return bad('platform must be global or a platform name');
  try {
    target.setFaults(patch, platform ?? 'global');
  } catch (err) {
    if (err instanceof FaultError) return bad(err.message);
    throw err;
  }
  return ok(target.faults());
}

function postRateLimits(target: ControlTarget, body: unknown): Reply {
  if (body === false) {
    target.setRateLimits(false);
    return ok(target.rateLimits());
  }
  if (!isRecord(body)) return bad('body must be false or an object like {"bigcommerce":{"limit":5,"windowMs":1000}}');
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!isPlatformName(key)) return bad(`unknown platform "${key}"`);
    if (value !== false && !isValidLimit(value)) return bad(`${key}: expected false or {enabled?, limit?, windowMs?}`);
    patch[key] = value;
  }
  target.setRateLimits(patch);
  return ok(target.rateLimits());
}

function isValidLimit(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { enabled, limit, windowMs, ...rest } = value;
  if (Object.keys(rest).length > 0) return false;
  if (enabled !== undefined && typeof enabled !== 'boolean') return false;
  const positiveInt = (n: unknown) => n === undefined || (typeof n === 'number' && Number.isInteger(n) && n > 0);
  return positiveInt(limit) && positiveInt(windowMs);
}
