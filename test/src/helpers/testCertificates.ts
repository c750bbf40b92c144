import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate authority of the test's own and one server certificate it signed, for 127.0.0.1 and localhost. */
export interface TestCertificates {
  readonly dir: string;
  /** PEM of the authority, what clients trust. */
  readonly caFile: string;
  /** PEM of the server certificate. */
  readonly certFile: string;
  /** PEM (PKCS#8) of the server's private key, unencrypted. */
  readonly keyFile: string;
  /** The key and the certificate in one PEM file, as Kafka's PEM key store takes them. */
  readonly keyAndCertFile: string;
}

/** Made with openssl, valid for two days. */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=Switchboard test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('server.ext'));
  writeFileSync(at('server-key-and-cert.pem'), readFileSync(at('server.key'), 'utf8') + readFileSync(at('server.pem'), 'utf8'));
  return { dir, caFile: at('ca.pem'), certFile: at('server.pem'), keyFile: at('server.key'), keyAndCertFile: at('server-key-and-cert.pem') };
}

/** Writes a secret to a file of its own in `dir` (mode 600), as a mounted secret would be. */
export function secretFile(dir: string, name: string, secret: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return file;
}
