import { BlockList, isIP } from 'node:net';
import { randomHex } from '../ids.js';
import { isRecord } from '../platform.js';
import { CF_PERMISSION_GROUPS_BY_ID } from './cloudflare-permission-groups.js';

/** CfPolicy is a stored policy; ids are assigned by the sandbox, as by the real API. */
export interface CfPolicy {
  readonly id: string;
  readonly effect: 'allow' | 'deny';
  readonly permission_groups: readonly { id: string; name: string; meta?: unknown }[];
  readonly resources: Record<string, unknown>;
}

/** CfCondition is the stored IP condition (accepted as `request_ip` or the older `request.ip`). */
export interface CfCondition {
  readonly request_ip?: { in?: string[]; not_in?: string[] };
}

/** CfPayload is a validated create or update body. */
export interface CfPayload {
  readonly name: string;
  readonly policies: readonly CfPolicy[];
  readonly condition: CfCondition | undefined;
  readonly expiresOnMs: number | null;
  readonly notBeforeMs: number | null;
  /** status is only honoured by update; create always yields `active`. */
  readonly status: 'active' | 'disabled' | undefined;
}

/** parseCfPayload validates a create/update body and returns the first problem as a message, like the live API. */
export function parseCfPayload(body: unknown, existingPolicies: readonly CfPolicy[] = []): CfPayload | string {
  if (!isRecord(body)) return 'request body must be a JSON object';
  const name = body['name'];
  if (typeof name !== 'string' || name.trim() === '') return 'name: name is required';
  if (name.length > 120) return 'name: must be at most 120 characters';
  const policies = parsePolicies(body['policies'], existingPolicies);
  if (typeof policies === 'string') return policies;
  const condition = parseCondition(body['condition']);
  if (typeof condition === 'string') return condition;
  const expiresOnMs = parseTime(body['expires_on']);
  if (expiresOnMs === 'invalid') return 'expires_on: must be an RFC 3339 date-time';
  const notBeforeMs = parseTime(body['not_before']);
  if (notBeforeMs === 'invalid') return 'not_before: must be an RFC 3339 date-time';
  const status = body['status'];
  if (status !== undefined && status !== 'active' && status !== 'disabled') {
    return 'status: must be one of active, disabled';
  }
  return { name, policies, condition, expiresOnMs, notBeforeMs, status };
}

function parsePolicies(raw: unknown, existing: readonly CfPolicy[]): CfPolicy[] | string {
  if (!Array.isArray(raw) || raw.length === 0) return 'policies: at least one policy is required';
  const out: CfPolicy[] = [];
  for (const [i, p] of raw.entries()) {
    if (!isRecord(p)) return `policies[${i}]: must be an object`;
    const effect = p['effect'];
    if (effect !== 'allow' && effect !== 'deny') return `policies[${i}].effect: must be one of allow, deny`;
    const groups = p['permission_groups'];
    if (!Array.isArray(groups) || groups.length === 0) return `policies[${i}].permission_groups: at least one permission group is required`;
    const pgs: { id: string; name: string; meta?: unknown }[] = [];
    for (const g of groups) {
      const id = isRecord(g) ? g['id'] : undefined;
      const known = typeof id === 'string' ? CF_PERMISSION_GROUPS_BY_ID.get(id) : undefined;
      if (known === undefined) return `policies[${i}].permission_groups: unknown permission group id ${typeof id === 'string' ? id : ''}`.trim();
      const meta = isRecord(g) ? g['meta'] : undefined;
      pgs.push(meta === undefined ? { id: known.id, name: known.name } : { id: known.id, name: known.name, meta });
    }
    const resources = p['resources'];
    if (!isRecord(resources) || Object.keys(resources).length === 0) return `policies[${i}].resources: must be a non-empty object`;
    if (!Object.keys(resources).every((k) => k.startsWith('com.cloudflare.'))) {
      return `policies[${i}].resources: resource names must start with com.cloudflare.`;
    }
    // A policy id sent back on update keeps its identity; new policies get a fresh id.
    const givenId = p['id'];
    const id = typeof givenId === 'string' && existing.some((e) => e.id === givenId) ? givenId : randomHex(16);
    out.push({ id, effect, permission_groups: pgs, resources });
  }
  return out;
}

function parseCondition(raw: unknown): CfCondition | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) return 'condition: must be an object';
  const ip = raw['request_ip'] ?? raw['request.ip'];
  if (ip === undefined) return {};
  if (!isRecord(ip)) return 'condition.request_ip: must be an object';
  const out: { in?: string[]; not_in?: string[] } = {};
  for (const key of ['in', 'not_in'] as const) {
    const list = ip[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((c) => typeof c === 'string' && isCidr(c))) {
      return `condition.request_ip.${key}: must be a list of IPv4/IPv6 CIDR addresses`;
    }
    out[key] = list as string[];
  }
  return { request_ip: out };
}

function parseTime(raw: unknown): number | null | 'invalid' {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) return 'invalid';
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? 'invalid' : ms;
}

function isCidr(value: string): boolean {
  const [addr, prefix, extra] = value.split('/');
  if (addr === undefined || extra !== undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  return Number.isInteger(n) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

/** ipAllowed applies `request_ip.in` / `not_in` to a client address. */
export function ipAllowed(condition: CfCondition | undefined, address: string): boolean {
  const rule = condition?.request_ip;
  if (rule === undefined) return true;
  const ip = address.startsWith('::ffff:') ? address.slice(7) : address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (rule.in !== undefined && rule.in.length > 0 && !blockList(rule.in).check(ip, family)) return false;
  return !(rule.not_in !== undefined && blockList(rule.not_in).check(ip, family));
}

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr = '', prefix] = c.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(addr, prefix === undefined ? (type === 'ipv6' ? 128 : 32) : Number(prefix), type);
  }
  return list;
}
