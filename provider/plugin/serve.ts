import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { isProviderError, ProviderError } from '../errors.js';
import type { ProviderDefinition } from '../framework/provider.js';
import { providerService } from '../server/provider-service.js';
import { newServerState } from '../server/state.js';
import { createServerCertificate, parseClientCertificate } from './certificate.js';
import { checkPluginEnvironment, handshakeLine } from './handshake.js';
import { stderrLogger } from './logger.js';
import type { Logger } from './logger.js';
import { loadProtoServices } from './proto.js';

/** ServeOptions lets tests and embedders replace the process environment and outputs. */
export interface ServeOptions {
  /** env to read the go-plugin variables from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** writeHandshake writes the one stdout line. @default process.stdout.write */
  readonly writeHandshake?: (line: string) => void;
  /** log receives diagnostics about the plugin itself. @default hclog JSON on stderr */
  readonly log?: Logger;
  /** exit ends the process after Shutdown. @default process.exit */
  readonly exit?: (code: number) => void;
}

/** RunningPlugin is a served provider: where it listens and how to stop it. */
export interface RunningPlugin {
  /** address is the unix socket path. */
  readonly address: string;
  /** close stops the server and removes the socket directory. */
  close(): Promise<void>;
  /** settled resolves once no RPC is in flight. */
  settled(): Promise<void>;
}

/**
 * servePlugin runs the go-plugin server side for a tfplugin6 provider:
 * checks the magic cookie and protocol version, sets up AutoMTLS (our fresh
 * certificate; the engine's client certificate required and verified), serves
 * tfplugin6.Provider and plugin.GRPCController on a unix socket in a private
 * temp dir, and prints the single handshake line. Shutdown answers, then exits.
 */
export async function servePlugin<Ctx>(definition: ProviderDefinition<Ctx>, options: ServeOptions = {}): Promise<RunningPlugin> {
  const log = options.log ?? stderrLogger(`provider.${definition.name}`);
  const environment = checkPluginEnvironment(options.env ?? process.env);
  const services = loadProtoServices();
  const credentials = await serverCredentials(environment.clientCertPem);

  const server = new grpc.Server();
  const state = newServerState(definition, log);
  const dir = mkdtempSync(join(tmpdir(), 'sftoken-plugin-'));
  const socket = join(dir, 'plugin.sock');
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.tryShutdown(() => {
        resolve();
      });
    });
    rmSync(dir, { recursive: true, force: true });
  };
  const exit = options.exit ?? ((code: number) => process.exit(code));

  server.addService(services.provider, providerService(state));
  server.addService(services.controller, {
    Shutdown: (_call: grpc.ServerUnaryCall<unknown, object>, callback: grpc.sendUnaryData<object>) => {
      log.log('debug', 'Shutdown: exiting');
      callback(null, {});
      // Let the reply flush before the server goes away.
      setImmediate(() => {
        state.stop.abort(new Error('provider shutting down'));
        void close().finally(() => {
          exit(0);
        });
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix://${socket}`, credentials.credentials, (error) => {
      if (error === null) resolve();
      else reject(new ProviderError('ERR_PLUGIN_LISTEN', `cannot listen on ${socket}`, { cause: error }));
    });
  });
  (options.writeHandshake ?? ((line: string) => process.stdout.write(line)))(handshakeLine('unix', socket, credentials.der));
  log.log('debug', 'plugin started', { address: socket, tls: credentials.der !== undefined, version: definition.version });
  const settled = async (): Promise<void> => {
    while (state.inFlight.size > 0) await Promise.allSettled([...state.inFlight]);
  };
  return { address: socket, close, settled };
}

async function serverCredentials(clientCertPem: string | undefined): Promise<{ credentials: grpc.ServerCredentials; der?: Uint8Array }> {
  // Without a client certificate the engine runs with TF_DISABLE_PLUGIN_TLS
  // (or is a debug client): plaintext on a private socket is what it expects.
  if (clientCertPem === undefined) return { credentials: grpc.ServerCredentials.createInsecure() };
  parseClientCertificate(clientCertPem);
  const cert = await createServerCertificate();
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(clientCertPem),
    [{ cert_chain: Buffer.from(cert.certPem), private_key: Buffer.from(cert.keyPem) }],
    true,
  );
  return { credentials, der: cert.der };
}

// DRAIN_LIMIT_MS bounds how long a provider whose engine died finishes its RPCs in flight: a few platform calls, each bounded by the HTTP timeout.
const DRAIN_LIMIT_MS = 60_000;

/**
 * runPluginMain is the executable's whole main: serve, keep stdout clean,
 * ignore Ctrl-C (Terraform stops us through StopProvider and Shutdown), exit
 * if Terraform dies without telling us (once the RPCs in flight are done),
 * and explain ourselves to a human who runs the binary directly.
 */
export function runPluginMain<Ctx>(definition: ProviderDefinition<Ctx>): void {
  process.on('SIGINT', () => undefined);
  // Anything else that prints must not corrupt the handshake channel.
  console.log = console.error;
  console.info = console.error;
  const serving = servePlugin(definition);
  const parent = process.ppid;
  let leaving = false;
  // The engine was killed (it would have sent Shutdown otherwise). A create
  // in flight has recorded its intent and may be landing at the platform;
  // finishing it records the token in the state Secret, where the next run
  // takes it over, instead of leaving an in-doubt create that a platform
  // without list or replay can only let expire. Nobody reads the answers.
  const engineGone = (): void => {
    if (leaving) return;
    leaving = true;
    clearInterval(watch);
    const limit = new Promise((resolve) => setTimeout(resolve, DRAIN_LIMIT_MS));
    void serving.then((plugin) => Promise.race([plugin.settled(), limit])).catch(() => undefined).finally(() => process.exit(1));
  };
  const watch = setInterval(() => {
    if (process.ppid !== parent) engineGone();
  }, 1000);
  watch.unref();
  // stdout and stderr are pipes the engine reads: a failed write (EPIPE) says
  // it is gone too, and must not crash the RPCs still finishing. It is the
  // only sign when the engine died before we read our parent's pid.
  process.stdout.on('error', engineGone);
  process.stderr.on('error', engineGone);
  serving.catch((error: unknown) => {
    if (isProviderError(error, 'ERR_PLUGIN_NOT_LAUNCHED_BY_TERRAFORM')) {
      process.stderr.write(error.message);
    } else {
      const code = isProviderError(error) ? `${error.code}: ` : '';
      process.stderr.write(`terraform-provider-${definition.name}: ${code}${error instanceof Error ? error.message : 'unknown error'}\n`);
    }
    process.exit(1);
  });
}
