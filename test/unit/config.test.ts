/**
 * Pure unit tests for the worker configuration (src/config.ts): defaults, env overrides,
 * "env:NAME" references, field-naming errors that never echo a secret, and the example file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, configSecrets, loadWorkerConfig, parseWorkerConfig } from '../../src/config';

const APP = '0123456789abcdef0123456789abcdef';
const minimal = () => ({ agora: { customerId: 'cust-id', customerSecret: 'cust-secret-VALUE', apps: { [APP]: {} } } });
const storage = (over: Record<string, unknown> = {}) => ({ vendor: 1, region: 0, bucket: 'b', accessKey: 'AK-VALUE', secretKey: 'SK-VALUE', ...over });

function configErrorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-config-unit-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('parseWorkerConfig defaults', () => {
  it('fills in temporal, agora and storage defaults', () => {
    const c = parseWorkerConfig(minimal(), {});
    expect(c.temporal).toEqual({ address: 'localhost:7233', namespace: 'default', taskQueue: 'recordings' });
    expect(c.agora!.baseUrls).toEqual(['https://api.sd-rtn.com', 'https://api.agora.io']);
    expect(c.agora!.timeoutMs).toBe(10_000);
    expect(c.agora!.maxRequestsPerSecond).toBe(9);
    expect(c.agora!.workersPerAppId).toBe(1);
    expect(c.agora!.apps[APP]).toEqual({ tokenExpireSeconds: 86_400 });
    expect(c.agora!.storageProfiles).toEqual({});
    expect(c.metricsPort).toBeUndefined();
    expect(c.maxCachedWorkflows).toBeUndefined();
  });

  it('fills in missing temporal fields individually', () => {
    const c = parseWorkerConfig({ ...minimal(), temporal: { namespace: 'ns' } }, {});
    expect(c.temporal).toEqual({ address: 'localhost:7233', namespace: 'ns', taskQueue: 'recordings' });
  });

  it('does not mutate the raw object', () => {
    const raw = minimal();
    const before = JSON.stringify(raw);
    parseWorkerConfig(raw, { TEMPORAL_ADDRESS: 'x:1', AGORA_APP_IDS: 'abc' });
    expect(JSON.stringify(raw)).toBe(before);
  });
});

describe('environment overrides', () => {
  it('TEMPORAL_ADDRESS / NAMESPACE / TASK_QUEUE override the file', () => {
    const c = parseWorkerConfig({ ...minimal(), temporal: { address: 'file:7233' } }, {
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'q2',
    });
    expect(c.temporal).toEqual({ address: 'temporal:7233', namespace: 'prod', taskQueue: 'q2' });
  });

  it('AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET override the file', () => {
    const c = parseWorkerConfig(minimal(), { AGORA_CUSTOMER_ID: 'env-id', AGORA_CUSTOMER_SECRET: 'env-secret' });
    expect(c.agora!.customerId).toBe('env-id');
    expect(c.agora!.customerSecret).toBe('env-secret');
  });

  it('AGORA_CUSTOMER_SECRET wins over an unset "env:" reference in the file', () => {
    const raw = { agora: { ...minimal().agora, customerSecret: 'env:NOT_SET_ANYWHERE' } };
    expect(parseWorkerConfig(raw, { AGORA_CUSTOMER_SECRET: 'given' }).agora!.customerSecret).toBe('given');
  });

  it('AGORA_BASE_URLS is a comma list, trimmed', () => {
    const c = parseWorkerConfig(minimal(), { AGORA_BASE_URLS: 'https://a.example , https://b.example' });
    expect(c.agora!.baseUrls).toEqual(['https://a.example', 'https://b.example']);
  });

  it('AGORA_BASE_URLS with a bad URL or more than two hosts names agora.baseUrls', () => {
    expect(configErrorMessage(() => parseWorkerConfig(minimal(), { AGORA_BASE_URLS: 'not a url' }))).toMatch(/agora\.baseUrls\.0: /);
    expect(configErrorMessage(() => parseWorkerConfig(minimal(), { AGORA_BASE_URLS: 'https://a.x,https://b.x,https://c.x' }))).toMatch(/agora\.baseUrls: /);
  });

  it('AGORA_APP_IDS adds apps without replacing configured ones', () => {
    const raw = { agora: { ...minimal().agora, apps: { [APP]: { appCertificate: 'cert-VALUE' } } } };
    const c = parseWorkerConfig(raw, { AGORA_APP_IDS: `${APP}, app2,,` });
    expect(Object.keys(c.agora!.apps).sort()).toEqual([APP, 'app2'].sort());
    expect(c.agora!.apps[APP].appCertificate).toBe('cert-VALUE');
    expect(c.agora!.apps.app2).toEqual({ tokenExpireSeconds: 86_400 });
  });

  it('a config from the environment alone is valid', () => {
    const c = parseWorkerConfig(undefined, { AGORA_CUSTOMER_ID: 'i', AGORA_CUSTOMER_SECRET: 's', AGORA_APP_IDS: 'abc' });
    expect(c.agora!.apps).toEqual({ abc: { tokenExpireSeconds: 86_400 } });
    expect(c.temporal.address).toBe('localhost:7233');
  });

  it('MAX_CACHED_WORKFLOWS sets maxCachedWorkflows; a negative one names the field', () => {
    expect(parseWorkerConfig(minimal(), { MAX_CACHED_WORKFLOWS: '500' }).maxCachedWorkflows).toBe(500);
    expect(configErrorMessage(() => parseWorkerConfig({ ...minimal(), maxCachedWorkflows: -1 }, {}))).toMatch(/maxCachedWorkflows: /);
  });

  it('METRICS_PORT sets metricsPort; a non-number names metricsPort', () => {
    expect(parseWorkerConfig(minimal(), { METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(configErrorMessage(() => parseWorkerConfig(minimal(), { METRICS_PORT: 'abc' }))).toMatch(/metricsPort: /);
    expect(configErrorMessage(() => parseWorkerConfig(minimal(), { METRICS_PORT: '70000' }))).toMatch(/metricsPort: /);
  });
});

describe('"env:NAME" references', () => {
  it('are resolved anywhere in the tree', () => {
    const raw = {
      agora: { customerId: 'env:CID', customerSecret: 'env:CSECRET', apps: { [APP]: { appCertificate: 'env:CERT' } }, storageProfiles: { default: storage({ accessKey: 'env:AK', secretKey: 'env:SK', fileNamePrefix: ['env:PREFIX'] }) } },
    };
    const c = parseWorkerConfig(raw, { CID: 'id1', CSECRET: 'sec1', CERT: 'cert1', AK: 'ak1', SK: 'sk1', PREFIX: 'rec' });
    expect(c.agora!.customerId).toBe('id1');
    expect(c.agora!.customerSecret).toBe('sec1');
    expect(c.agora!.apps[APP].appCertificate).toBe('cert1');
    expect(c.agora!.storageProfiles.default.accessKey).toBe('ak1');
    expect(c.agora!.storageProfiles.default.secretKey).toBe('sk1');
    expect(c.agora!.storageProfiles.default.fileNamePrefix).toEqual(['rec']);
  });

  it('an unset one names the field path and the variable, and no secret value', () => {
    const raw = {
      agora: { customerId: 'cust-id', customerSecret: 'env:CSECRET', apps: { [APP]: { appCertificate: 'env:CERT' } }, storageProfiles: { default: storage({ accessKey: 'env:AK', secretKey: 'env:STORAGE_SECRET_KEY' }) } },
    };
    const env = { CSECRET: 'super-secret-1', CERT: 'super-secret-2', AK: 'super-secret-3' };
    const m = configErrorMessage(() => parseWorkerConfig(raw, env));
    expect(m).toContain('agora.storageProfiles.default.secretKey');
    expect(m).toContain('STORAGE_SECRET_KEY');
    expect(m).toMatch(/is not set/);
    for (const v of Object.values(env)) expect(m).not.toContain(v);
  });

  it('an empty variable counts as unset', () => {
    const raw = { agora: { ...minimal().agora, customerSecret: 'env:CSECRET' } };
    expect(configErrorMessage(() => parseWorkerConfig(raw, { CSECRET: '' }))).toMatch(/agora\.customerSecret: environment variable CSECRET is not set/);
  });
});

describe('errors name the bad field and never echo a secret', () => {
  it.each<[string, (raw: ReturnType<typeof minimal> & Record<string, any>) => void, RegExp]>([
    ['agora.customerId empty', (r) => (r.agora.customerId = ''), /agora\.customerId: /],
    ['agora.customerSecret missing', (r) => delete (r.agora as any).customerSecret, /agora\.customerSecret: /],
    ['agora.apps empty', (r) => (r.agora.apps = {} as any), /agora\.apps: at least one App ID/],
    ['agora.apps missing', (r) => delete (r.agora as any).apps, /agora\.apps: /],
    ['agora.apps bad App ID', (r) => (r.agora.apps = { 'bad-id!': {} } as any), /agora\.apps\.bad-id!: /],
    ['tokenExpireSeconds above 24 h', (r) => (r.agora.apps[APP] = { tokenExpireSeconds: 86_401 } as any), new RegExp(`agora\\.apps\\.${APP}\\.tokenExpireSeconds: `)],
    ['agora.timeoutMs', (r) => ((r.agora as any).timeoutMs = 5), /agora\.timeoutMs: /],
    ['unknown agora key', (r) => ((r.agora as any).secret = 'x'), /agora: Unrecognized key.*"secret"/],
    ['unknown top-level key', (r) => (r.extra = 1), /\(input\): Unrecognized key.*"extra"/],
    ['storageProfiles.default.bucket', (r) => ((r.agora as any).storageProfiles = { default: storage({ bucket: '' }) }), /agora\.storageProfiles\.default\.bucket: /],
    ['storageProfiles.default.vendor', (r) => ((r.agora as any).storageProfiles = { default: storage({ vendor: 12 }) }), /agora\.storageProfiles\.default\.vendor: /],
    ['fileNamePrefix', (r) => ((r.agora as any).storageProfiles = { default: storage({ fileNamePrefix: ['a/b'] }) }), /agora\.storageProfiles\.default\.fileNamePrefix\.0: letters and digits only/],
    ['temporal.address', (r) => (r.temporal = { address: '' }), /temporal\.address: /],
  ])('%s', (_label, mutate, re) => {
    const raw: any = minimal();
    (raw.agora as any).storageProfiles = { default: storage() };
    mutate(raw);
    const m = configErrorMessage(() => parseWorkerConfig(raw, {}));
    expect(m).toMatch(/^invalid worker configuration: /);
    expect(m).toMatch(re);
    for (const secret of ['cust-secret-VALUE', 'AK-VALUE', 'SK-VALUE']) expect(m).not.toContain(secret);
  });
});

describe('loadWorkerConfig', () => {
  const env = { AGORA_CUSTOMER_ID: 'i', AGORA_CUSTOMER_SECRET: 's', AGORA_APP_IDS: 'abc' };

  it('without RECORDING_CONFIG reads the environment only', () => {
    expect(loadWorkerConfig(env).agora!.customerId).toBe('i');
  });

  it('reads the RECORDING_CONFIG file, with env overrides on top', () => {
    const file = path.join(tmp, 'ok.json');
    fs.writeFileSync(file, JSON.stringify({ ...minimal(), temporal: { taskQueue: 'from-file', address: 'file:1' } }));
    const c = loadWorkerConfig({ RECORDING_CONFIG: file, TEMPORAL_ADDRESS: 'temporal.internal:7233' });
    expect(c.temporal.taskQueue).toBe('from-file');
    expect(c.temporal.address).toBe('temporal.internal:7233');
    expect(c.agora!.customerId).toBe('cust-id');
  });

  it('a missing file gives a clear RECORDING_CONFIG error', () => {
    const file = path.join(tmp, 'does-not-exist.json');
    const m = configErrorMessage(() => loadWorkerConfig({ ...env, RECORDING_CONFIG: file }));
    expect(m).toContain('RECORDING_CONFIG');
    expect(m).toContain(`cannot read ${file}`);
  });

  it('invalid JSON gives a clear RECORDING_CONFIG error', () => {
    const file = path.join(tmp, 'bad.json');
    fs.writeFileSync(file, '{ "agora": ');
    const m = configErrorMessage(() => loadWorkerConfig({ ...env, RECORDING_CONFIG: file }));
    expect(m).toMatch(new RegExp(`RECORDING_CONFIG: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
  });

  it('a file with a JSON array at the top gives a ConfigError', () => {
    const file = path.join(tmp, 'array.json');
    fs.writeFileSync(file, '[]');
    expect(configErrorMessage(() => loadWorkerConfig({ RECORDING_CONFIG: file }))).toMatch(/invalid worker configuration/);
  });
});

describe('configSecrets', () => {
  it('lists the customer secret, app certificates and storage keys — not ids or buckets', () => {
    const raw = {
      agora: { customerId: 'cust-id', customerSecret: 'S0', apps: { [APP]: { appCertificate: 'C1' }, app2: {}, app3: { appCertificate: 'C3' } }, storageProfiles: { a: storage({ accessKey: 'A1', secretKey: 'K1' }), b: storage({ accessKey: 'A2', secretKey: 'K2', bucket: 'bucket-b' }) } },
    };
    const secrets = configSecrets(parseWorkerConfig(raw, {}));
    expect([...secrets].sort()).toEqual(['A1', 'A2', 'C1', 'C3', 'K1', 'K2', 'S0']);
    expect(secrets).not.toContain('cust-id');
    expect(secrets).not.toContain('bucket-b');
  });

  it('is just the customer secret for a minimal config', () => {
    expect(configSecrets(parseWorkerConfig(minimal(), {}))).toEqual(['cust-secret-VALUE']);
  });
});

describe('config/worker.example.json', () => {
  const examplePath = path.join(__dirname, '..', '..', 'config', 'worker.example.json');
  const env = {
    AGORA_CUSTOMER_ID: 'example-id',
    AGORA_CUSTOMER_SECRET: 'example-secret',
    AGORA_APP_CERTIFICATE: 'example-cert',
    STORAGE_ACCESS_KEY: 'example-ak',
    STORAGE_SECRET_KEY: 'example-sk',
  };

  it('references only the documented variables', () => {
    const refs = [...fs.readFileSync(examplePath, 'utf8').matchAll(/"env:([A-Z0-9_]+)"/g)].map((m) => m[1]);
    expect(refs.sort()).toEqual(Object.keys(env).sort());
  });

  it('parses with those variables set', () => {
    const c = loadWorkerConfig({ ...env, RECORDING_CONFIG: examplePath });
    expect(c.agora!.customerId).toBe('example-id');
    expect(c.agora!.customerSecret).toBe('example-secret');
    expect(c.agora!.apps[APP].appCertificate).toBe('example-cert');
    expect(c.agora!.storageProfiles.default).toMatchObject({ vendor: 1, bucket: 'my-recordings', accessKey: 'example-ak', secretKey: 'example-sk', fileNamePrefix: ['recordings'] });
    expect(c.metricsPort).toBe(9464);
    expect([...configSecrets(c)].sort()).toEqual(['example-ak', 'example-cert', 'example-secret', 'example-sk']);
  });

  it('holds no secret value itself and fails naming the first unset variable', () => {
    const raw = JSON.parse(fs.readFileSync(examplePath, 'utf8'));
    const m = configErrorMessage(() => parseWorkerConfig(raw, {}));
    expect(m).toMatch(/agora\.customerId: environment variable AGORA_CUSTOMER_ID is not set/);
  });
});
