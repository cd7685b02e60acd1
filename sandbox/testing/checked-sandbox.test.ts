import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../index.js';
import { call } from './http.js';
import { failOnNewViolations, startCheckedSandbox } from './checked-sandbox.js';

describe('startCheckedSandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startCheckedSandbox({ rateLimits: false });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('fails on a violation, naming the request, and reports each violation once', async () => {
    await call('POST', `${sandbox.platforms.wizcommerce.baseUrl}/auth/token`, {}, { email: sandbox.platforms.wizcommerce.email });
    expect(() => { failOnNewViolations('in this check'); }).toThrow(/1 OpenAPI violation\(s\) in this check:\n {2}- wizcommerce createToken: request of POST \/auth\/token: \/requestBody must have required property 'password'/);
    expect(() => { failOnNewViolations('in this check'); }, 'already reported').not.toThrow();
  });

  it('passes valid traffic', async () => {
    const wiz = sandbox.platforms.wizcommerce;
    await call('POST', `${wiz.baseUrl}/auth/token`, {}, { email: wiz.email, password: wiz.password });
    expect(() => { failOnNewViolations('in this check'); }).not.toThrow();
  });
});
