/**
 * Worker configuration: a JSON file (RECORDING_CONFIG) and/or environment variables, validated
 * with zod at start-up, one message per bad field. Secret values may be written as
 * "env:NAME" so the file itself holds none. Secrets stay in the worker process: workflows name
 * an App ID and a storage profile, never a key.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { formatIssues } from './domain/input';

const secret = z.string().min(1);

const storageProfileSchema = z.strictObject({
  /** Agora's vendor number (spec §4.2.4): 1 S3, 2 Alibaba, 3 Tencent, 5 Azure, 6 GCS, 7 Huawei, 8 Baidu, 11 S3-compatible. */
  vendor: z.number().int().min(0).max(11),
  region: z.number().int().min(0),
  bucket: z.string().min(1),
  accessKey: secret,
  secretKey: secret,
  fileNamePrefix: z.array(z.string().regex(/^[A-Za-z0-9]+$/, 'letters and digits only (spec §4.2.4)')).optional(),
  extensionParams: z.record(z.string(), z.string()).optional(),
});

const appSchema = z.strictObject({
  /** With the App Certificate on, the worker mints each recorder's RTC token (agora-token). */
  appCertificate: secret.optional(),
  /** AccessToken2 allows at most 24 h; tokens cannot be renewed mid-recording, so a restart mints a new one. */
  tokenExpireSeconds: z.number().int().min(60).max(86_400).default(86_400),
});

export const workerConfigSchema = z.strictObject({
  temporal: z
    .strictObject({
      address: z.string().min(1).default('localhost:7233'),
      namespace: z.string().min(1).default('default'),
      taskQueue: z.string().min(1).default('recordings'),
    })
    .default({ address: 'localhost:7233', namespace: 'default', taskQueue: 'recordings' }),
  agora: z.strictObject({
    baseUrls: z.array(z.string().url()).min(1).max(2).default(['https://api.sd-rtn.com', 'https://api.agora.io']),
    customerId: secret,
    customerSecret: secret,
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /**
     * The App ID's request budget (spec §1.3: 10 QPS per App ID; one below it absorbs network jitter).
     * The server dispatches the App ID's activities at this rate across all workers, and each
     * process also spaces its requests evenly at maxRequestsPerSecond / workersPerAppId, because
     * the server's token bucket can release about twice its rate in one second.
     */
    maxRequestsPerSecond: z.number().positive().max(1000).default(9),
    /** How many worker processes serve each App ID; each gets an equal share of the budget. */
    workersPerAppId: z.number().int().min(1).max(1000).default(1),
    apps: z.record(z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'App ID: letters and digits'), appSchema).refine((a) => Object.keys(a).length > 0, 'at least one App ID'),
  }),
  storageProfiles: z.record(z.string().min(1), storageProfileSchema).default({}),
  metricsPort: z.number().int().min(0).max(65_535).optional(),
  /**
   * Workflows kept in the worker's cache (each ~1.6 MiB, measured in bench/scale). Unset: the SDK
   * sizes it from the heap. A smaller cache bounds memory; an evicted recording replays its
   * history at its next poll, costing CPU (docs/benchmarks.md).
   */
  maxCachedWorkflows: z.number().int().min(0).max(100_000).optional(),
});
export type WorkerConfig = z.output<typeof workerConfigSchema>;
export type StorageProfile = z.output<typeof storageProfileSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Replaces every "env:NAME" string with that variable, naming the field when it is unset. */
function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice(4);
    const v = env[name];
    if (v === undefined || v === '') throw new ConfigError(`${path.join('.')}: environment variable ${name} is not set`);
    return v;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, env, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvRefs(v, env, [...path, k])]));
  }
  return value;
}

/** Environment variables override the file, so a container can inject credentials. */
function envOverrides(raw: Record<string, any>, env: NodeJS.ProcessEnv): Record<string, any> {
  const out = structuredClone(raw);
  out.temporal ??= {};
  out.agora ??= {};
  if (env.TEMPORAL_ADDRESS) out.temporal.address = env.TEMPORAL_ADDRESS;
  if (env.TEMPORAL_NAMESPACE) out.temporal.namespace = env.TEMPORAL_NAMESPACE;
  if (env.TEMPORAL_TASK_QUEUE) out.temporal.taskQueue = env.TEMPORAL_TASK_QUEUE;
  if (env.AGORA_CUSTOMER_ID) out.agora.customerId = env.AGORA_CUSTOMER_ID;
  if (env.AGORA_CUSTOMER_SECRET) out.agora.customerSecret = env.AGORA_CUSTOMER_SECRET;
  if (env.AGORA_BASE_URLS) out.agora.baseUrls = env.AGORA_BASE_URLS.split(',').map((s) => s.trim());
  if (env.AGORA_APP_IDS) {
    out.agora.apps ??= {};
    for (const id of env.AGORA_APP_IDS.split(',').map((s) => s.trim()).filter(Boolean)) out.agora.apps[id] ??= {};
  }
  if (env.METRICS_PORT) out.metricsPort = Number(env.METRICS_PORT);
  if (env.MAX_CACHED_WORKFLOWS) out.maxCachedWorkflows = Number(env.MAX_CACHED_WORKFLOWS);
  return out;
}

export function parseWorkerConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): WorkerConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError('invalid worker configuration: (input): expected a JSON object');
  }
  const merged = envOverrides((raw ?? {}) as Record<string, any>, env);
  const r = workerConfigSchema.safeParse(resolveEnvRefs(merged, env));
  if (!r.success) throw new ConfigError(`invalid worker configuration: ${formatIssues(r.error)}`);
  return r.data;
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  let raw: unknown = {};
  const file = env.RECORDING_CONFIG;
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`RECORDING_CONFIG: cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`RECORDING_CONFIG: ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  return parseWorkerConfig(raw, env);
}

/** Every secret value in a config, for log redaction and the "no secret in history" tests. */
export function configSecrets(config: WorkerConfig): string[] {
  const out = [config.agora.customerSecret];
  for (const app of Object.values(config.agora.apps)) if (app.appCertificate) out.push(app.appCertificate);
  for (const p of Object.values(config.storageProfiles)) out.push(p.accessKey, p.secretKey);
  return out;
}
