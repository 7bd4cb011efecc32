import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { explainConnectError, resolveConnection, resolveWorkerConnection, TemporalConnectionError } from '../../src/temporal-connection';

/** Connection settings as every Temporal tool reads them; no server needed here (test/stack proves them on mTLS). */
describe('resolveConnection', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envconfig-'));
  const toml = path.join(dir, 'temporal.toml');
  const ca = path.join(dir, 'ca.pem');
  fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
  fs.writeFileSync(
    toml,
    [
      '[profile.default]',
      'address = "from-default-profile:7233"',
      '[profile.prod]',
      'address = "prod.example:7233"',
      'namespace = "recordings"',
      'api_key = "SECRET-API-KEY"',
      '[profile.prod.tls]',
      `server_ca_cert_path = "${ca}"`,
    ].join('\n'),
  );
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to localhost:7233 and "default" with nothing set', () => {
    const s = resolveConnection({ env: {} });
    expect([s.address, s.namespace, s.connectionOptions.tls, s.connectionOptions.apiKey]).toEqual(['localhost:7233', 'default', undefined, undefined]);
    expect(s.describe()).toBe('localhost:7233 namespace default (plaintext)');
  });

  it('reads a profile: address, namespace, API key (TLS implied) and the CA, and never prints the key', () => {
    const s = resolveConnection({ env: { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' } });
    expect([s.address, s.namespace, s.connectionOptions.apiKey]).toEqual(['prod.example:7233', 'recordings', 'SECRET-API-KEY']);
    expect(s.connectionOptions.tls).toMatchObject({ serverRootCACertificate: expect.anything() });
    expect(s.sources.apiKey).toBe(`api_key of profile 'prod' in ${toml}`);
    expect(s.describe()).toBe(`prod.example:7233 namespace recordings (TLS, API key; profile 'prod' in ${toml})`);
    expect(s.describe()).not.toContain('SECRET');
  });

  it('orders address and namespace: explicit > TEMPORAL_* > worker file > profile > default', () => {
    const env = { TEMPORAL_CONFIG_FILE: toml };
    expect(resolveConnection({ env }).address).toBe('from-default-profile:7233');
    expect(resolveConnection({ env, fallback: { address: 'file:1' } }).address).toBe('file:1');
    expect(resolveConnection({ env: { ...env, TEMPORAL_ADDRESS: 'env:2' }, fallback: { address: 'file:1' } }).address).toBe('env:2');
    expect(resolveConnection({ env: { ...env, TEMPORAL_ADDRESS: 'env:2' }, explicit: { address: 'flag:3' } }).address).toBe('flag:3');
    const s = resolveConnection({ env: { ...env, TEMPORAL_NAMESPACE: 'ns-env' }, fallback: { namespace: 'ns-file' } });
    expect([s.namespace, s.sources.namespace]).toEqual(['ns-env', 'TEMPORAL_NAMESPACE']);
  });

  it('the worker takes temporal.address from its config file only when written there', () => {
    const file = path.join(dir, 'worker.json');
    fs.writeFileSync(file, JSON.stringify({ temporal: { taskQueue: 'q' } }));
    expect(resolveWorkerConnection({ RECORDING_CONFIG: file, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' }).address).toBe('prod.example:7233');
    fs.writeFileSync(file, JSON.stringify({ temporal: { address: 'written:7233' } }));
    expect(resolveWorkerConnection({ RECORDING_CONFIG: file, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' }).address).toBe('written:7233');
  });

  it('names the setting when something is wrong', () => {
    const msg = (req: Parameters<typeof resolveConnection>[0]) => {
      try {
        resolveConnection(req);
      } catch (err) {
        expect(err).toBeInstanceOf(TemporalConnectionError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(msg({ env: { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'nope' } })).toBe(`TEMPORAL_PROFILE: Profile 'nope' not found in ${toml}`);
    expect(msg({ env: { TEMPORAL_CONFIG_FILE: toml }, profile: 'nope' })).toMatch(/^--profile: /);
    expect(msg({ env: { TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml') } })).toBe(`TEMPORAL_CONFIG_FILE: ${path.join(dir, 'missing.toml')} does not exist`);
    expect(msg({ env: { TEMPORAL_TLS_CLIENT_CERT_PATH: ca } })).toMatch(/^TEMPORAL_TLS_CLIENT_CERT_PATH \(.*ca\.pem\): a client certificate needs its key too/);
    expect(msg({ env: { TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'no.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'no.key') } })).toMatch(
      /^TEMPORAL_TLS_CLIENT_CERT_PATH \(.*no\.pem\): cannot read .*no\.pem: ENOENT/,
    );
  });

  it('explains refusals in one line, naming the setting and never the secret', () => {
    const s = resolveConnection({ env: { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' } });
    const e = explainConnectError(s, new Error('16 UNAUTHENTICATED: invalid API key\nmore'));
    expect(e.message).toBe(`cannot connect to Temporal at prod.example:7233: 16 UNAUTHENTICATED: invalid API key; the server refused the API key from api_key of profile 'prod' in ${toml}`);
    expect(e.message).not.toContain('SECRET');
    const plain = resolveConnection({ env: { TEMPORAL_ADDRESS: 'nowhere:7233' } });
    expect(explainConnectError(plain, new Error('14 UNAVAILABLE: No connection established\nstack')).message).toBe(
      'cannot connect to Temporal at nowhere:7233: 14 UNAVAILABLE: No connection established (address from TEMPORAL_ADDRESS)',
    );
  });
});
