import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createServerCertificate, parseClientCertificate } from './certificate.js';

// The AutoMTLS certificate is DER written by hand: check it the way a TLS
// client does, with an X.509 parser that owes nothing to our writer.
describe('AutoMTLS server certificate', () => {
  it('is a self-signed P-256 CA for localhost, valid from 30 s ago for a day, for server and client auth', async () => {
    const now = new Date('2031-05-06T07:08:09Z');
    const cert = await createServerCertificate(now);
    const x = new X509Certificate(cert.certPem);
    expect(Buffer.from(cert.der)).toStrictEqual(x.raw);
    expect(x.subject.split('\n')).toStrictEqual(['CN=localhost', 'O=storefront-token']);
    expect(x.issuer).toBe(x.subject);
    expect(x.subjectAltName).toBe('DNS:localhost');
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.ca).toBe(true);
    expect(x.keyUsage).toStrictEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(new Date(x.validFrom)).toStrictEqual(new Date('2031-05-06T07:07:39Z'));
    expect(new Date(x.validTo)).toStrictEqual(new Date('2031-05-07T07:08:09Z'));
    expect(x.publicKey.asymmetricKeyDetails).toStrictEqual({ namedCurve: 'prime256v1' });
    const key = createPrivateKey(cert.keyPem);
    expect(createPublicKey(key).export({ type: 'spki', format: 'der' })).toStrictEqual(x.publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('has a fresh key and serial each time', async () => {
    const [a, b] = [await createServerCertificate(), await createServerCertificate()];
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
    expect(a.keyPem).not.toBe(b.keyPem);
  });

  it('uses GeneralizedTime from 2050 on, as RFC 5280 requires', async () => {
    const x = new X509Certificate((await createServerCertificate(new Date('2050-01-01T12:00:00Z'))).certPem);
    expect(new Date(x.validTo)).toStrictEqual(new Date('2050-01-02T12:00:00Z'));
  });

  it('refuses a client certificate that is not one, naming the variable', async () => {
    expect(() => parseClientCertificate('junk')).toThrow(/PLUGIN_CLIENT_CERT is not a PEM certificate/);
    expect(parseClientCertificate((await createServerCertificate()).certPem).subject).toContain('CN=localhost');
  });
});
