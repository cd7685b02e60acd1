import { describe, expect, it } from 'vitest';
import { isProviderError } from '../errors.js';
import { checkPluginEnvironment, handshakeLine, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from './handshake.js';

describe('checkPluginEnvironment', () => {
  const rows: { reason: string; env: NodeJS.ProcessEnv; code?: string; tls?: boolean }[] = [
    { reason: 'a human running the binary has no cookie', env: {}, code: 'ERR_PLUGIN_NOT_LAUNCHED_BY_TERRAFORM' },
    { reason: 'a wrong cookie is another program', env: { [MAGIC_COOKIE_KEY]: 'nope', PLUGIN_PROTOCOL_VERSIONS: '6' }, code: 'ERR_PLUGIN_NOT_LAUNCHED_BY_TERRAFORM' },
    { reason: 'an engine that only speaks protocol 5 cannot use us', env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5' }, code: 'ERR_PLUGIN_PROTOCOL_UNSUPPORTED' },
    { reason: 'Terraform offers 5,6 and sets a client cert: TLS on', env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: 'pem' }, tls: true },
    { reason: 'TF_DISABLE_PLUGIN_TLS leaves the client cert unset: plaintext', env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6' }, tls: false },
  ];
  it.each(rows)('$reason', (row) => {
    let result: ReturnType<typeof checkPluginEnvironment> | undefined;
    let caught: unknown;
    try {
      result = checkPluginEnvironment(row.env);
    } catch (error) {
      caught = error;
    }
    if (row.code !== undefined) expect(isProviderError(caught, row.code as never)).toBe(true);
    else expect(result?.clientCertPem !== undefined).toBe(row.tls);
  });
});

describe('handshakeLine', () => {
  it('strips base64 padding, because go-plugin decodes with RawStdEncoding', () => {
    expect(handshakeLine('unix', '/tmp/p.sock', Uint8Array.of(1, 2, 3, 4))).toBe('1|6|unix|/tmp/p.sock|grpc|AQIDBA\n');
  });
  it('leaves the certificate field empty without TLS', () => {
    expect(handshakeLine('tcp', '127.0.0.1:1234', undefined)).toBe('1|6|tcp|127.0.0.1:1234|grpc|\n');
  });
});
