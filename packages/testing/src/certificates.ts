import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  /** PEM of the certificate authority that signed the server certificate (what a client trusts). */
  caFile: string;
  /** PEM server certificate for 127.0.0.1 and localhost, signed by the CA. */
  certFile: string;
  /** PEM private key of the server certificate. */
  keyFile: string;
}

/**
 * A throwaway certificate authority and a server certificate it signed, made with the openssl CLI
 * into `dir` (files named after `name`). Two calls give two unrelated CAs: one can play the
 * wrong CA a client must refuse.
 */
export async function createTestCertificates(dir: string, name = 'test'): Promise<TestCertificates> {
  const file = (suffix: string) => path.join(dir, `${name}-${suffix}`);
  const [caKey, caFile, keyFile, csr, certFile, ext] = ['ca.key', 'ca.crt', 'server.key', 'server.csr', 'server.crt', 'server.ext'].map(file) as [string, string, string, string, string, string];
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name} test CA`, '-keyout', caKey, '-out', caFile]);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', keyFile, '-out', csr]);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', certFile]);
  return { caFile, certFile, keyFile };
}
