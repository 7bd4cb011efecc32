/** The Agora part of the worker configuration: credentials, App IDs, storage profiles and the request budget. */
import { z } from 'zod';

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

export const agoraConfigSchema = z.strictObject({
  baseUrls: z.array(z.string().url()).min(1).max(2).default(['https://api.sd-rtn.com', 'https://api.agora.io']),
  customerId: secret,
  customerSecret: secret,
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /**
   * The App ID's request budget (spec §1.3: 10 QPS per App ID; one below it absorbs network jitter).
   * The server dispatches the App ID's activities at this rate across all workers, and each
   * process also spaces its requests evenly at its share (processShare: the budget over
   * workersPerAppId, rounded down to whole requests per second), because the server's token bucket
   * can release about twice its rate in one second.
   */
  maxRequestsPerSecond: z.number().positive().max(1000).default(9),
  /** How many worker processes serve each App ID; each gets an equal share of the budget. */
  workersPerAppId: z.number().int().min(1).max(1000).default(1),
  apps: z.record(z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'App ID: letters and digits'), appSchema).refine((a) => Object.keys(a).length > 0, 'at least one App ID'),
  /** Where recorders upload, by name: a recording names its profile, the keys stay here. */
  storageProfiles: z.record(z.string().min(1), storageProfileSchema).default({}),
});
export type AgoraConfig = z.output<typeof agoraConfigSchema>;

/** Environment variables a container sets instead of the file. */
export function agoraEnvOverrides(section: Record<string, any>, env: NodeJS.ProcessEnv): Record<string, any> {
  if (env.AGORA_CUSTOMER_ID) section.customerId = env.AGORA_CUSTOMER_ID;
  if (env.AGORA_CUSTOMER_SECRET) section.customerSecret = env.AGORA_CUSTOMER_SECRET;
  if (env.AGORA_BASE_URLS) section.baseUrls = env.AGORA_BASE_URLS.split(',').map((s) => s.trim());
  if (env.AGORA_APP_IDS) {
    section.apps ??= {};
    for (const id of env.AGORA_APP_IDS.split(',').map((s) => s.trim()).filter(Boolean)) section.apps[id] ??= {};
  }
  return section;
}

export function agoraSecrets(c: AgoraConfig): string[] {
  const out = [c.customerSecret];
  for (const app of Object.values(c.apps)) if (app.appCertificate) out.push(app.appCertificate);
  for (const p of Object.values(c.storageProfiles)) out.push(p.accessKey, p.secretKey);
  return out;
}
