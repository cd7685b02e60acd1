import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerCertificate } from '../../provider/plugin/certificate.js';
import type { ServerCertificate } from '../../provider/plugin/certificate.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../provider/plugin/handshake.js';
import { loadProtoServices } from '../../provider/plugin/proto.js';
import { prepareTestProvider } from './harness.js';
import type { PreparedProvider } from './harness.js';

// The provider process driven by our own go-plugin client: what Terraform
// does, with each step observable (handshake, mTLS, RPCs, Shutdown timing).

type Plugin = ChildProcessByStdio<null, Readable, Readable> & { stdoutText: string; stderrText: string };

function launch(launcher: string, env: NodeJS.ProcessEnv): Plugin {
  const child = spawn(launcher, [], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }) as Plugin;
  child.stdoutText = '';
  child.stderrText = '';
  child.stdout.on('data', (c: Buffer) => (child.stdoutText += c.toString()));
  child.stderr.on('data', (c: Buffer) => (child.stderrText += c.toString()));
  return child;
}

function handshake(child: Plugin): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const newline = child.stdoutText.indexOf('\n');
      if (newline >= 0) resolve(child.stdoutText.slice(0, newline));
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      reject(new Error(`plugin exited ${String(code)} before the handshake: ${child.stderrText}`));
    });
  });
}

function exited(child: Plugin): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => {
      resolve(code);
    });
  });
}

function derToPem(base64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(base64, 'base64').toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}

function unary(client: grpc.Client, method: string, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (r: object, cb: (e: grpc.ServiceError | null, v: Record<string, unknown>) => void) => void>)[method]?.call(client, request, (error, value) => {
      if (error !== null) reject(error);
      else resolve(value);
    });
  });
}

describe('provider process as go-plugin sees it', () => {
  let prepared: PreparedProvider;
  let clientCert: ServerCertificate;
  let otherCert: ServerCertificate;
  const services = loadProtoServices();
  const Provider = grpc.makeGenericClientConstructor(services.provider, 'Provider');
  const Controller = grpc.makeGenericClientConstructor(services.controller, 'GRPCController');

  beforeAll(async () => {
    prepared = await prepareTestProvider();
    clientCert = await createServerCertificate();
    otherCert = await createServerCertificate();
  });
  afterAll(() => {
    rmSync(prepared.root, { recursive: true, force: true });
  });

  const envs: { reason: string; env: NodeJS.ProcessEnv; stderr: RegExp }[] = [
    { reason: 'run by a human: explains it is a plugin', env: {}, stderr: /This binary is a plugin/ },
    { reason: 'an engine without protocol 6: says what is needed', env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5' }, stderr: /ERR_PLUGIN_PROTOCOL_UNSUPPORTED/ },
    { reason: 'a client cert that is not a certificate: refuses TLS setup', env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6', PLUGIN_CLIENT_CERT: 'junk' }, stderr: /ERR_PLUGIN_TLS/ },
  ];
  it.each(envs)('exits 1 with nothing on stdout when $reason', async (row) => {
    const child = launch(prepared.built.launcherPath, row.env);
    expect(await exited(child)).toBe(1);
    expect(child.stdoutText).toBe('');
    expect(child.stderrText).toMatch(row.stderr);
  });

  it('exits when its engine died before it could see who its parent was: the only sign is that nobody reads its pipes', async () => {
    const env = { PATH: process.env.PATH, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6' };
    // The shell starts the plugin in the background and exits at once, as a killed engine leaves it.
    const sh = spawn('sh', ['-c', `'${prepared.built.launcherPath}' & echo $!`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const [first] = (await once(sh.stdout, 'data')) as [Buffer];
    const pid = Number(first.toString().trim());
    sh.stdout.destroy();
    sh.stderr.destroy();
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = performance.now() + 10_000;
    while (alive() && performance.now() < deadline) await sleep(50);
    const lingering = alive();
    if (lingering) process.kill(pid, 'SIGKILL');
    expect(lingering, 'the plugin outlives its engine forever').toBe(false);
  });

  it('handshakes with mTLS, serves RPCs, aborts on StopProvider and exits promptly on Shutdown', async () => {
    const child = launch(prepared.built.launcherPath, {
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_CLIENT_CERT: clientCert.certPem,
    });
    const line = await handshake(child);
    const parts = line.split('|');
    expect(parts.slice(0, 3)).toStrictEqual(['1', '6', 'unix']);
    expect(parts[4]).toBe('grpc');
    expect(parts[5]).toMatch(/^[A-Za-z0-9+/]{50,}$/); // DER, unpadded base64
    const address = `unix://${parts[3] ?? ''}`;
    const serverPem = Buffer.from(derToPem(parts[5] ?? ''));

    const anonymous = new Provider(address, grpc.credentials.createSsl(serverPem));
    await expect(unary(anonymous, 'GetProviderSchema', {})).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    anonymous.close();

    // AutoMTLS pins the one certificate the engine announced: another (valid, self-signed) one is refused.
    const impostor = new Provider(address, grpc.credentials.createSsl(serverPem, Buffer.from(otherCert.keyPem), Buffer.from(otherCert.certPem)));
    await expect(unary(impostor, 'GetProviderSchema', {}), 'a client certificate other than PLUGIN_CLIENT_CERT').rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    impostor.close();

    const creds = grpc.credentials.createSsl(serverPem, Buffer.from(clientCert.keyPem), Buffer.from(clientCert.certPem));
    const provider = new Provider(address, creds);
    const schema = await unary(provider, 'GetProviderSchema', {});
    expect(Object.keys(schema.resource_schemas as object)).toStrictEqual(['sftoken_test_thing']);
    const missing = await unary(provider, 'ReadDataSource', { type_name: 'sftoken_nothing' });
    expect(JSON.stringify(missing.diagnostics)).toMatch(/Data Sources Not Supported/);
    const stop = await unary(provider, 'StopProvider', {});
    expect(stop.Error).toBe('');

    const controller = new Controller(address, creds);
    const started = performance.now();
    await unary(controller, 'Shutdown', {});
    expect(await exited(child)).toBe(0);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000); // Terraform would SIGKILL after 2 s
    expect(child.stdoutText.split('\n').filter((l) => l !== '')).toHaveLength(1);
    provider.close();
    controller.close();
  });
});
