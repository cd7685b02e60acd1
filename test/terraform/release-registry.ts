import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import * as x509 from '@peculiar/x509';

// Helpers for test/terraform/release.test.ts: a certificate authority made
// for the test, and a static HTTPS server on 127.0.0.1 that serves a
// directory laid out by provider/tooling/release.ts's writeRegistry (the
// provider registry protocol as plain files), recording what it was asked.

/** TestCa is a CA and a server certificate for 127.0.0.1 it issued, all PEM. */
export interface TestCa {
  /** caPem is what the engine trusts (SSL_CERT_FILE). */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** createTestCa makes a one-day CA and a server certificate for IP 127.0.0.1 and localhost signed by it. */
export async function createTestCa(): Promise<TestCa> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 24 * 3600_000) };
  const caKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=storefront-token release test CA',
    ...validity,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    ...validity,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    caPem: ca.toString('pem'),
    certPem: cert.toString('pem'),
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`,
  };
}

/** StaticSite is a running HTTPS server for one directory. */
export interface StaticSite {
  /** url is https://127.0.0.1:<port>, without a trailing slash. */
  readonly url: string;
  /** host is 127.0.0.1:<port>, the hostname part of a provider source address. */
  readonly host: string;
  /** requests lists "METHOD path status" for each request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * serveDirectory serves root over HTTPS on 127.0.0.1 (port chosen by the OS).
 * Extensionless files (the registry protocol's documents) and .json files go
 * out as application/json; paths outside root answer 404.
 */
export async function serveDirectory(root: string, tls: TestCa): Promise<StaticSite> {
  const requests: string[] = [];
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'https://127.0.0.1').pathname);
    const file = normalize(join(root, path));
    const ok = (file === root || file.startsWith(root + sep)) && existsSync(file) && statSync(file).isFile();
    requests.push(`${req.method ?? 'GET'} ${path} ${ok ? 200 : 404}`);
    if (!ok) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const json = file.endsWith('.json') || !/\.[a-z0-9]+$/i.test(file);
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/octet-stream', 'content-length': statSync(file).size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${String(port)}`,
    host: `127.0.0.1:${String(port)}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
