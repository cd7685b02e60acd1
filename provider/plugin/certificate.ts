import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ProviderError } from '../errors.js';

/** ServerCertificate is the provider's temporary AutoMTLS identity. */
export interface ServerCertificate {
  /** der is the certificate in DER, for the handshake line. */
  readonly der: Uint8Array;
  /** certPem is the certificate in PEM, for the gRPC server. */
  readonly certPem: string;
  /** keyPem is the PKCS#8 private key in PEM; it never leaves the process. */
  readonly keyPem: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * createServerCertificate makes a fresh self-signed ECDSA P-256 certificate
 * the way go-plugin does: CN and SAN localhost (the client verifies that
 * name), CA, server+client EKU, valid from 30 s ago to cover clock skew.
 */
export async function createServerCertificate(now = new Date()): Promise<ServerCertificate> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] ?? 0) & 0x7f; // keep the serial positive
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: 'CN=localhost, O=storefront-token',
    notBefore: new Date(now.getTime() - 30_000),
    notAfter: new Date(now.getTime() + 24 * 3600_000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment |
          x509.KeyUsageFlags.keyAgreement |
          x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    der: new Uint8Array(cert.rawData),
    certPem: cert.toString('pem'),
    keyPem: pemEncode('PRIVATE KEY', new Uint8Array(pkcs8)),
  };
}

/** parseClientCertificate checks that PLUGIN_CLIENT_CERT is a certificate before we trust it. */
export function parseClientCertificate(pem: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (cause) {
    throw new ProviderError('ERR_PLUGIN_TLS', 'PLUGIN_CLIENT_CERT is not a PEM certificate', { cause });
  }
}

function pemEncode(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
