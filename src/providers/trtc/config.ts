/** The TRTC part of the worker configuration: the account's API key, SdkAppIds with their SDK secret keys, storage and budget. */
import { z } from 'zod';
import { storageParamsSchema } from './schemas';

const secret = z.string().min(1);

export const trtcConfigSchema = z.strictObject({
  baseUrl: z.string().url().default('https://trtc.tencentcloudapi.com'),
  /** The Tencent Cloud API key (CAM) that signs every request (TC3-HMAC-SHA256). */
  secretId: secret,
  secretKey: secret,
  region: z.string().min(1).default('ap-guangzhou'),
  /** One call's budget (spec §3.1's seeds give 6 s; the SDK's own 60 s default is far too long). */
  timeoutMs: z.number().int().min(100).max(120_000).default(6_000),
  /** The account's budget (spec §3.1: 20 QPS per account; one below absorbs jitter), split over its SdkAppIds' queues. */
  maxRequestsPerSecond: z.number().positive().max(1000).default(19),
  /** How many worker processes serve the account; each paces at its share (processShare: rounded down to whole requests per second). */
  workersPerAccount: z.number().int().min(1).max(1000).default(1),
  /** SdkAppId → its SDK secret key, with which the worker mints each robot's UserSig. */
  apps: z
    .record(z.string().regex(/^[1-9]\d{0,9}$/, 'SdkAppId: digits'), z.strictObject({ sdkSecretKey: secret }))
    .refine((a) => Object.keys(a).length > 0, 'at least one SdkAppId'),
  /** Where recorders upload, by name: TRTC's StorageParams (CloudStorage for COS/S3-compatible, or CloudVod). */
  storageProfiles: z.record(z.string().min(1), storageParamsSchema).default({}),
});
export type TrtcConfig = z.output<typeof trtcConfigSchema>;

export function trtcEnvOverrides(section: Record<string, any>, env: NodeJS.ProcessEnv): Record<string, any> {
  if (env.TRTC_SECRET_ID) section.secretId = env.TRTC_SECRET_ID;
  if (env.TRTC_SECRET_KEY) section.secretKey = env.TRTC_SECRET_KEY;
  if (env.TRTC_BASE_URL) section.baseUrl = env.TRTC_BASE_URL;
  if (env.TRTC_REGION) section.region = env.TRTC_REGION;
  return section;
}

export function trtcSecrets(c: TrtcConfig): string[] {
  const out = [c.secretKey, ...Object.values(c.apps).map((a) => a.sdkSecretKey)];
  for (const p of Object.values(c.storageProfiles)) if (p.CloudStorage) out.push(p.CloudStorage.AccessKey, p.CloudStorage.SecretKey);
  return out;
}
