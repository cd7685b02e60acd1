import { describe, expect, it } from 'vitest';
import { Unknown, type ObjectValue } from '../framework/value.js';
import { configureProvider, validateProviderConfig } from './configure.js';

// A platform's base_url gets the rule a PlatformConnection's spec.baseUrl
// gets (core baseUrlProblem): https anywhere, plain http only to a loopback
// host such as the local sandbox, because every request carries the
// platform's admin credentials.

describe('validateProviderConfig base_url', () => {
  const rows: { name: string; reason: string; url: string; refused: boolean }[] = [
    { name: 'Https', reason: 'https is always allowed', url: 'https://api.bigcommerce.com', refused: false },
    { name: 'SandboxIPv4', reason: 'the sandbox on 127.0.0.1 may use plain http', url: 'http://127.0.0.1:18787/bigcommerce', refused: false },
    { name: 'Loopback8', reason: 'all of 127.0.0.0/8 is loopback', url: 'http://127.10.20.30:8080', refused: false },
    { name: 'Localhost', reason: 'localhost is loopback', url: 'http://localhost:8080/x', refused: false },
    { name: 'IPv6Loopback', reason: '::1 is loopback', url: 'http://[::1]:8080', refused: false },
    { name: 'PlainHttpRemote', reason: 'plain http to any other host would send credentials in clear text', url: 'http://api.bigcommerce.invalid', refused: true },
    { name: 'LookalikeHost', reason: 'a host that merely starts like localhost is another host', url: 'http://localhost.example.com', refused: true },
    { name: 'LoopbackUserinfo', reason: 'userinfo does not make a remote host loopback', url: 'http://127.0.0.1@api.example.com', refused: true },
    { name: 'PrivateAddress', reason: 'a private address is still the network, not loopback', url: 'http://10.0.0.5:8080', refused: true },
    { name: 'OtherScheme', reason: 'only http(s) URLs are base URLs', url: 'ftp://api.example.com', refused: true },
    { name: 'NotAUrl', reason: 'text that is not a URL is refused', url: 'api.bigcommerce.com', refused: true },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      const diagnostics = validateProviderConfig({ bigcommerce: { base_url: row.url } });
      expect(diagnostics.length > 0, row.reason).toBe(row.refused);
      if (row.refused) {
        expect(diagnostics[0]).toMatchObject({ severity: 'error', summary: 'Invalid Base URL', path: [{ attribute: 'bigcommerce' }, { attribute: 'base_url' }] });
        expect(diagnostics[0]?.detail).toContain('bigcommerce.base_url');
      }
    });
  }
});

describe('configureProvider base_url from the environment', () => {
  const config: ObjectValue = {};
  const rows: { name: string; reason: string; env: NodeJS.ProcessEnv; refused: boolean }[] = [
    {
      name: 'EnvPlainHttpRemote',
      reason: 'validate never sees SFTOKEN_*_BASE_URL, so configure refuses it before any credential is sent',
      env: { SFTOKEN_AVVYR_API_KEY: 'k', SFTOKEN_AVVYR_BASE_URL: 'http://api.avvyr.invalid' },
      refused: true,
    },
    { name: 'EnvSandbox', reason: 'the sandbox on loopback is fine from the environment too', env: { SFTOKEN_AVVYR_API_KEY: 'k', SFTOKEN_AVVYR_BASE_URL: 'http://127.0.0.1:18787/avvyr' }, refused: false },
    { name: 'EnvNoCredentials', reason: 'a platform without credentials sends nothing, so its base URL does not matter', env: { SFTOKEN_AVVYR_BASE_URL: 'http://api.avvyr.invalid' }, refused: false },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      const result = configureProvider({ config, terraformVersion: '1.11.0' }, { env: row.env });
      expect(result.context === undefined, row.reason).toBe(row.refused);
      if (row.refused) expect(result.diagnostics?.[0]?.detail).toContain('SFTOKEN_AVVYR_BASE_URL');
    });
  }
});

describe('configureProvider with settings known only after apply', () => {
  const env = { SFTOKEN_CLOUDFLARE_API_TOKEN: 'from-the-environment', SFTOKEN_CLOUDFLARE_BASE_URL: 'http://127.0.0.1:18787/cloudflare' };
  const rows: { name: string; reason: string; config: ObjectValue; refused: boolean; pending: boolean }[] = [
    { name: 'NestedUnknownCredential', reason: 'an api_token opened from a token still being created is pending, never replaced by SFTOKEN_CLOUDFLARE_API_TOKEN', config: { cloudflare: { api_token: Unknown } }, refused: false, pending: true },
    { name: 'KnownCredential', reason: 'a known api_token is used as given', config: { cloudflare: { api_token: 'given' } }, refused: false, pending: false },
    { name: 'NoBlock', reason: 'without a block the environment supplies the credential', config: {}, refused: false, pending: false },
    { name: 'NestedUnknownKubernetes', reason: 'every call reads Secrets, so unknown Kubernetes settings stop configure', config: { kubernetes: { config_path: Unknown } }, refused: true, pending: false },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      const result = configureProvider({ config: row.config, terraformVersion: '1.11.0' }, { env });
      expect(result.context === undefined, row.reason).toBe(row.refused);
      if (result.context === undefined) return;
      expect(result.context.settingsPending('cloudflare'), row.reason).toBe(row.pending);
      if (row.pending) expect(() => result.context?.clientFor('cloudflare')).toThrow(/known only after apply/);
      else expect(() => result.context?.clientFor('cloudflare')).not.toThrow();
    });
  }
});
