import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { ProviderError } from '../errors.js';

// The certificate is written as DER by hand with node:crypto: one fixed
// template, so a general X.509 library (and the reflect-metadata it needs)
// was most of the time a provider spent loading code before its handshake.

/** ServerCertificate is the provider's temporary AutoMTLS identity. */
export interface ServerCertificate {
  /** der is the certificate in DER, for the handshake line. */
  readonly der: Uint8Array;
  /** certPem is the certificate in PEM, for the gRPC server. */
  readonly certPem: string;
  /** keyPem is the PKCS#8 private key in PEM; it never leaves the process. */
  readonly keyPem: string;
}

const OID = {
  ecdsaWithSha256: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02],
  commonName: [0x55, 0x04, 0x03],
  organization: [0x55, 0x04, 0x0a],
  basicConstraints: [0x55, 0x1d, 0x13],
  keyUsage: [0x55, 0x1d, 0x0f],
  extKeyUsage: [0x55, 0x1d, 0x25],
  subjectAltName: [0x55, 0x1d, 0x11],
  serverAuth: [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
  clientAuth: [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
} as const;

/**
 * createServerCertificate makes a fresh self-signed ECDSA P-256 certificate
 * the way go-plugin does: CN and SAN localhost (the client verifies that
 * name), CA, server+client EKU, valid from 30 s ago to cover clock skew.
 */
export function createServerCertificate(now = new Date()): Promise<ServerCertificate> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40; // positive, and minimal as DER requires
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const name = seq(set(seq(oid(OID.commonName), tlv(0x0c, Buffer.from('localhost')))), set(seq(oid(OID.organization), tlv(0x0c, Buffer.from('storefront-token')))));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    algorithm,
    name,
    seq(time(new Date(now.getTime() - 30_000)), time(new Date(now.getTime() + 24 * 3600_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(
      0xa3,
      seq(
        extension(OID.basicConstraints, true, seq(tlv(0x01, Buffer.from([0xff])))),
        // digitalSignature | keyEncipherment | keyAgreement | keyCertSign: bits 0, 2, 4, 5; two unused bits.
        extension(OID.keyUsage, true, tlv(0x03, Buffer.from([0x02, 0xac]))),
        extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth), oid(OID.clientAuth))),
        extension(OID.subjectAltName, false, seq(tlv(0x82, Buffer.from('localhost')))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value, as X.509 wants it
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return Promise.resolve({
    der: new Uint8Array(der),
    certPem: pemEncode('CERTIFICATE', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
}

/** parseClientCertificate checks that PLUGIN_CLIENT_CERT is a certificate before we trust it. */
export function parseClientCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new ProviderError('ERR_PLUGIN_TLS', 'PLUGIN_CLIENT_CERT is not a PEM certificate', { cause });
  }
}

function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

function seq(...contents: Buffer[]): Buffer {
  return tlv(0x30, ...contents);
}

function set(...contents: Buffer[]): Buffer {
  return tlv(0x31, ...contents);
}

function oid(bytes: readonly number[]): Buffer {
  return tlv(0x06, Buffer.from(bytes));
}

function extension(id: readonly number[], critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

// UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function pemEncode(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
