import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCoreError, type CoreError } from '../../core/errors.js';
import { SecretValue } from '../../core/secret.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import type { Connection, IssueRequest, IssuedToken, PlatformAdapter, PlatformCall, PlatformClient, TokenRef } from '../../core/contract/adapter.js';
import { startSandbox, type InventoryEntry, type Sandbox } from '../../sandbox/index.js';
import { ScriptedRandom } from './scripted-random.js';

/** A ContractSubject is one adapter wired to a running sandbox. */
export interface ContractSubject {
  readonly adapter: PlatformAdapter;
  /** connection reaches the sandbox's emulation of the adapter's platform. */
  readonly connection: Connection;
  /** spec returns a valid spec for a new token. */
  spec(): StorefrontTokenSpec;
  /** changed returns the spec with its in-place fields changed, for platforms whose client has update. */
  changed(spec: StorefrontTokenSpec): StorefrontTokenSpec;
  /** works presents the value to the platform's token-use endpoint and tells whether it was accepted. */
  works(value: SecretValue): Promise<boolean>;
}

/** A ContractFactory wires an adapter to the sandbox the suite started. */
export type ContractFactory = (sandbox: Sandbox) => ContractSubject;

const HOUR_MS = 3_600_000;

/**
 * describeAdapterContract is the one suite every adapter passes against the
 * real sandbox, validated against the OpenAPI documents. It branches only on
 * the adapter's declared capabilities and on which optional methods its
 * client has, never on the platform's name.
 */
export function describeAdapterContract(name: string, factory: ContractFactory): void {
  describe(`adapter contract: ${name}`, () => {
    const random = new ScriptedRandom();
    const calls: PlatformCall[] = [];
    const errors: CoreError[] = [];
    const expectedOrphans = new Set<string>();
    let sandbox: Sandbox;
    let subject: ContractSubject;
    let client: PlatformClient;

    const caps = (): PlatformAdapter['capabilities'] => subject.adapter.capabilities;
    const platformOf = (): PlatformAdapter['platform'] => subject.adapter.platform;
    const request = (spec = subject.spec()): IssueRequest => ({
      spec,
      name: `contract ${randomUUID().slice(0, 8)}`,
      expiresAt: new Date(Date.now() + HOUR_MS),
      idempotencyKey: randomUUID(),
    });
    const inventory = (): InventoryEntry[] => sandbox.inventory(platformOf());
    const statusCount = (status: number): number => sandbox.stats().rows.filter((r) => r.platform === platformOf() && r.status === status).reduce((n, r) => n + r.count, 0);
    // Every CoreError seen is kept, so the last test can check none carried a secret.
    const capture = async <T>(work: Promise<T>): Promise<T> => {
      try {
        return await work;
      } catch (error) {
        if (isCoreError(error)) errors.push(error);
        throw error;
      }
    };
    const rejection = async (work: Promise<unknown>): Promise<CoreError> => {
      try {
        await capture(work);
      } catch (error) {
        if (isCoreError(error)) return error;
        throw error;
      }
      throw new Error('expected the call to fail');
    };
    const issued: IssuedToken[] = [];
    const issue = async (req = request()): Promise<IssuedToken> => {
      const token = await capture(client.issue(req));
      issued.push(token);
      return token;
    };

    beforeAll(async () => {
      sandbox = await startSandbox({ validate: true, random: random.next });
      subject = factory(sandbox);
      client = subject.adapter.connect(subject.connection, { onCall: (c) => calls.push(c), timeoutMs: 5_000 });
    });

    afterEach(() => {
      sandbox.reset({ rateLimits: true });
      random.clear();
    });

    afterAll(async () => {
      await sandbox.close();
    });

    it('declares optional methods exactly as its capabilities say', () => {
      expect(client.roll !== undefined, 'roll exists iff capabilities.roll').toBe(caps().roll);
      expect(subject.adapter.capabilities.credentialKeys.every((k) => k in subject.connection.credentials), 'the connection holds every credential key').toBe(true);
    });

    it('issues a token that works, reporting what it issued', async () => {
      const req = request();
      const before = inventory().length;
      const token = await issue(req);
      expect(await subject.works(token.value), 'the issued value is accepted by the token-use endpoint').toBe(true);
      expect(inventory().length - before, 'exactly one token was created').toBe(1);
      expect(JSON.stringify(token), 'the value never serialises').not.toContain(token.value.reveal());
      if (caps().revokeNeedsValue) expect(token.ref.value?.equals(token.value), 'the ref keeps the value revoke needs').toBe(true);
      if (caps().read) expect(token.ref.id, 'the ref has an id to read by').toBeDefined();
      if (caps().expiry === 'required' || caps().expiry === 'optional') {
        expect(token.expiresAt?.getTime(), 'the requested expiry is kept to the second').toBe(Math.floor((req.expiresAt?.getTime() ?? 0) / 1000) * 1000);
      }
      if (caps().expiry === 'fixed') expect(token.expiresAt, 'a fixed lifetime is reported').toBeDefined();
      expectObservedMatches(token.observed.block, blockOf(req.spec, platformOf()));
    });

    it('observes without changing anything', async () => {
      const token = await issue();
      const before = JSON.stringify(inventory().map((e) => [e.id, e.state, e.name, e.origins]));
      const seen = await capture(client.observe(token.ref));
      expect(JSON.stringify(inventory().map((e) => [e.id, e.state, e.name, e.origins])), 'observe changed nothing').toBe(before);
      expect(['active', 'unknown'], 'a live token is active, or unknown where nothing can tell').toContain(seen.state);
      if (caps().read) expect(seen.state).toBe('active');
      if (seen.observed !== undefined) expectObservedMatches(seen.observed.block, blockOf(token.observed.block, undefined));
    });

    it('updates in place where the client can, keeping the value working', async () => {
      const token = await issue();
      if (client.update === undefined) return;
      const spec = subject.changed(subject.spec());
      const req = { ...request(spec), name: `changed ${randomUUID().slice(0, 6)}` };
      const updated = await capture(client.update(token.ref, req));
      const seen = await capture(client.observe(token.ref));
      for (const observation of [updated, seen]) {
        expect(observation.observed?.displayName, 'the display name changed, without any marker').toBe(req.name);
        expectObservedMatches(observation.observed?.block ?? {}, blockOf(spec, platformOf()));
      }
      expect(await subject.works(token.value), 'the value still works after update').toBe(true);
    });

    it('revokes idempotently, and a revoked token stops working', async () => {
      const token = await issue();
      await capture(client.revoke(token.ref));
      expect(await subject.works(token.value), 'the revoked value is refused').toBe(false);
      await capture(client.revoke(token.ref));
      const seen = await capture(client.observe(token.ref));
      expect(['revoked', 'missing', 'unknown']).toContain(seen.state);
      if (caps().read) expect(['revoked', 'missing']).toContain(seen.state);
      expect(inventory().find((e) => e.state === 'active' && sameToken(e, token)), 'the sandbox shows it revoked').toBeUndefined();
    });

    it('rolls the value in place where capabilities.roll', async () => {
      if (client.roll === undefined) return;
      const token = await issue();
      const rolled = await capture(client.roll(token.ref));
      expect(rolled.ref.id).toBe(token.ref.id);
      expect(rolled.value.equals(token.value)).toBe(false);
      expect(await subject.works(rolled.value), 'the new value works').toBe(true);
      expect(await subject.works(token.value), 'the old value died at once').toBe(false);
      issued.push(rolled);
    });

    it('slows down under a low rate limit and still succeeds, with few 429s', async () => {
      const limit = 3;
      const operations = 8;
      sandbox.setRateLimits({ [platformOf()]: { limit, windowMs: 1_000 } });
      const before = statusCount(429);
      const started = Date.now();
      const tokens: IssuedToken[] = [];
      for (let i = 0; i < operations / 2; i++) tokens.push(await issue());
      for (const t of tokens) await capture(client.revoke(t.ref));
      const rateLimited = statusCount(429) - before;
      expect(rateLimited, `429s stay below one per window (${rateLimited})`).toBeLessThanOrEqual(Math.ceil(operations / limit));
      expect(Date.now() - started, 'the client waited for the windows').toBeGreaterThanOrEqual(1_000);
    });

    it('retries 5xx on idempotent calls and never repeats a create blindly', async () => {
      const token = await issue();
      sandbox.setFaults({ errorRate: 0.5 }, platformOf());
      const before = statusCount(500);
      random.failNext(2);
      await capture(client.revoke(token.ref));
      expect(statusCount(500) - before, 'both injected 500s were met and retried').toBe(2);
      expect(await subject.works(token.value)).toBe(false);

      const req = request();
      random.failNext(1);
      if (caps().idempotentCreate) {
        const retried = await issue(req);
        expect(await subject.works(retried.value), 'an idempotent create is retried to success').toBe(true);
        return;
      }
      const error = await rejection(client.issue(req));
      expect(error.code, 'a 500 on a plain create is in doubt').toBe('ERR_CREATE_IN_DOUBT');
      const resolution = await capture(client.resolveInDoubt(req));
      expect(resolution.outcome, 'the sandbox failed before committing').toBe(caps().list ? 'absent' : 'unknowable');
    });

    it('reports a create whose answer was lost as in doubt, and resolves it per capabilities', async () => {
      const req = request();
      const before = inventory().length;
      sandbox.setFaults({ dropAfterCommit: 1 }, platformOf());
      const error = await rejection(client.issue(req));
      expect(error.code).toBe('ERR_CREATE_IN_DOUBT');
      sandbox.reset();
      const landed = inventory().slice(before);
      expect(landed.length, 'the dropped create landed exactly once, never repeated').toBe(1);
      const resolution = await capture(client.resolveInDoubt(req));
      const orphan = landed[0];
      if (!caps().list && !caps().idempotentCreate) {
        expect(resolution.outcome).toBe('unknowable');
        expect(orphan?.expiresAt, 'an unknowable orphan must expire on its own').not.toBeNull();
        if (orphan !== undefined) expectedOrphans.add(orphan.id);
        return;
      }
      if (resolution.outcome !== 'found') throw new Error(`expected found, got ${resolution.outcome}`);
      expect(inventory().length - before, 'resolving created nothing new').toBe(1);
      let ref: TokenRef = resolution.ref;
      let value = resolution.value;
      if (value === undefined && client.roll !== undefined) {
        const rolled = await capture(client.roll(resolution.ref));
        ref = rolled.ref;
        value = rolled.value;
      }
      if (value !== undefined) expect(await subject.works(value), 'the recovered value works').toBe(true);
      await capture(client.revoke(ref));
      expect(inventory().filter((e) => e.id === orphan?.id && e.state === 'active'), 'the found token is revoked').toEqual([]);
    });

    it('gives up at once with ERR_ABORTED when the caller has aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const before = inventory().length;
      const error = await rejection(client.issue(request(), controller.signal));
      expect(error.code).toBe('ERR_ABORTED');
      expect(inventory().length).toBe(before);
    });

    it('maps bad credentials to ERR_PLATFORM_AUTH without echoing them', async () => {
      const bad = Object.fromEntries(Object.keys(subject.connection.credentials).map((k) => [k, new SecretValue(`wrong-${k}-${randomUUID()}`)]));
      const badClient = subject.adapter.connect({ ...subject.connection, credentials: bad }, { maxAttempts: 1 });
      const error = await rejection(badClient.issue(request()));
      expect(['ERR_PLATFORM_AUTH', 'ERR_PLATFORM_FORBIDDEN']).toContain(error.code);
      for (const secret of Object.values(bad)) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(secret.reveal());
    });

    it('cleans up: no active token leaked beyond the expected orphans, no secret in any error', async () => {
      for (const token of issued) await capture(client.revoke(token.ref));
      const active = inventory().filter((e) => e.state === 'active');
      expect(active.map((e) => e.id).sort(), 'only unknowable orphans remain active').toEqual([...expectedOrphans].sort());
      const secrets = [...Object.values(subject.connection.credentials), ...issued.map((t) => t.value)].map((s) => s.reveal());
      for (const error of errors) for (const secret of secrets) expect(error.message).not.toContain(secret);
      expect(calls.every((c) => c.platform === platformOf() && c.durationMs >= 0), 'onCall saw every call of this platform').toBe(true);
    });

    it('sent requests and got answers that match the OpenAPI documents', () => {
      expect(sandbox.violations()).toEqual([]);
    });
  });
}

function blockOf(source: StorefrontTokenSpec | Readonly<Record<string, unknown>>, platform: string | undefined): Readonly<Record<string, unknown>> {
  if (platform === undefined) return source;
  const block = (source as Record<string, unknown>)[platform];
  return typeof block === 'object' && block !== null ? (block as Record<string, unknown>) : {};
}

// Observed fields must agree with the desired ones they share; sets are compared as sets.
function expectObservedMatches(observed: Readonly<Record<string, unknown>>, desired: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(observed)) {
    if (!(key in desired)) continue;
    expect(canonical(value), `observed ${key} matches the spec`).toEqual(canonical(desired[key]));
  }
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical).map((v) => JSON.stringify(v)).sort();
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, canonical(v)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  }
  return value;
}

// The sandbox names tokens by a prefix of the same SHA-256 fingerprint SecretValue uses.
function sameToken(entry: InventoryEntry, token: IssuedToken): boolean {
  return entry.fingerprint.length > 0 && (token.value.fingerprint.startsWith(entry.fingerprint) || entry.fingerprint.startsWith(token.value.fingerprint));
}

