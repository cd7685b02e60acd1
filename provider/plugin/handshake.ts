import { ProviderError } from '../errors.js';

/** MAGIC_COOKIE_KEY and MAGIC_COOKIE_VALUE are Terraform's go-plugin handshake cookie. */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
/** MAGIC_COOKIE_VALUE is identical in Terraform and OpenTofu. */
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
/** PROTOCOL_VERSION is the only plugin protocol we speak (tfplugin6). */
export const PROTOCOL_VERSION = 6;

/** NOT_A_PROGRAM_MESSAGE is what a human running the binary directly sees. */
export const NOT_A_PROGRAM_MESSAGE =
  'This binary is a plugin. These are not meant to be executed directly.\n' +
  'Please execute the program that consumes these plugins, which will\n' +
  'load any plugins automatically\n';

/** PluginEnvironment is what the engine told us through the environment. */
export interface PluginEnvironment {
  /** clientCertPem is the engine's AutoMTLS client certificate, or undefined when TLS is off. */
  readonly clientCertPem: string | undefined;
}

/**
 * checkPluginEnvironment validates the go-plugin launch environment: the
 * magic cookie proves an engine started us, and the engine must offer
 * protocol 6 (we cannot fall back to 5).
 */
export function checkPluginEnvironment(env: NodeJS.ProcessEnv): PluginEnvironment {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new ProviderError('ERR_PLUGIN_NOT_LAUNCHED_BY_TERRAFORM', NOT_A_PROGRAM_MESSAGE);
  }
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? '').split(',').map((v) => v.trim());
  if (!offered.includes(String(PROTOCOL_VERSION))) {
    throw new ProviderError(
      'ERR_PLUGIN_PROTOCOL_UNSUPPORTED',
      `this provider speaks plugin protocol ${PROTOCOL_VERSION} only; the engine offered "${offered.join(',')}" (Terraform >= 1.0 or OpenTofu is needed)`,
    );
  }
  const cert = env.PLUGIN_CLIENT_CERT;
  return { clientCertPem: cert === undefined || cert === '' ? undefined : cert };
}

/**
 * handshakeLine is the single stdout line go-plugin parses:
 * core version | app version | network | address | protocol | certificate,
 * where the certificate is DER in unpadded standard base64.
 */
export function handshakeLine(network: 'unix' | 'tcp', address: string, certDer: Uint8Array | undefined): string {
  const cert = certDer === undefined ? '' : Buffer.from(certDer).toString('base64').replace(/=+$/, '');
  return `1|${PROTOCOL_VERSION}|${network}|${address}|grpc|${cert}\n`;
}
