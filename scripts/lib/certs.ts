/**
 * Test certificates with openssl: a CA, the frontend's server certificate (localhost, 127.0.0.1),
 * client certificates for the internal worker service and for clients, and optionally a second,
 * unrelated CA with a client certificate the server must refuse. Short-lived (2 days), P-256 keys.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TLS_FILES } from './stack';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ca(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
}

function leaf(dir: string, caName: string, cert: string, key: string, cn: string, ext: string): void {
  const base = path.basename(cert, '.pem');
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', `${base}.csr`, '-subj', `/CN=${cn}`], dir);
  fs.writeFileSync(path.join(dir, `${base}.ext`), `${ext}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
  openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', `${base}.ext`], dir);
  fs.rmSync(path.join(dir, `${base}.csr`));
  fs.rmSync(path.join(dir, `${base}.ext`));
}

export interface GeneratedCerts {
  dir: string;
  /** A client certificate from another CA: the server must refuse it. */
  rogueCert?: string;
  rogueKey?: string;
}

export function generateCerts(dir: string, opts: { rogue?: boolean } = {}): GeneratedCerts {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  ca(dir, 'ca');
  leaf(dir, 'ca', TLS_FILES.serverCert, TLS_FILES.serverKey, 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth');
  leaf(dir, 'ca', TLS_FILES.internalCert, TLS_FILES.internalKey, 'temporal-internal-worker', 'extendedKeyUsage=clientAuth');
  leaf(dir, 'ca', TLS_FILES.clientCert, TLS_FILES.clientKey, 'recording-worker', 'extendedKeyUsage=clientAuth');
  const out: GeneratedCerts = { dir };
  if (opts.rogue) {
    ca(dir, 'rogue-ca');
    leaf(dir, 'rogue-ca', 'rogue-client.pem', 'rogue-client.key', 'recording-worker', 'extendedKeyUsage=clientAuth');
    out.rogueCert = path.join(dir, 'rogue-client.pem');
    out.rogueKey = path.join(dir, 'rogue-client.key');
  }
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.key')) fs.chmodSync(path.join(dir, f), 0o600);
  return out;
}
