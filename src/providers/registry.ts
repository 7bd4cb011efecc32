/**
 * The worker half of each provider: its config section, the accounts it serves, its budget, and
 * its recorder adapter. One entry per provider; the pure half is ./catalog.ts.
 */
import type { Logger } from 'pino';
import type { RecorderActivities } from '../contract/recorder';
import { AgoraClient } from './agora/client';
import { processShare } from './agora/rate-limiter';
import { agoraSecrets, type AgoraConfig } from './agora/config';
import { createAgoraAdapter } from './agora/adapter';
import { createTrtcAdapter } from './trtc/adapter';
import { TrtcClient } from './trtc/client';
import { trtcSecrets, type TrtcConfig } from './trtc/config';

export interface OpenedProvider {
  activities: RecorderActivities;
  close(): Promise<void>;
}

export interface ProviderWorker<C> {
  /** The accounts (App IDs, SdkAppIds) this worker serves: one activity task queue each. */
  accounts(config: C): string[];
  /** The account's request budget, enforced by the server on its task queue. */
  maxRequestsPerSecond(config: C): number;
  open(config: C, logger: Logger): OpenedProvider;
  /** Every secret in the section, for log redaction and the "no secret in history" tests. */
  secrets(config: C): string[];
}

const agora: ProviderWorker<AgoraConfig> = {
  accounts: (c) => Object.keys(c.apps),
  maxRequestsPerSecond: (c) => c.maxRequestsPerSecond,
  open(c, logger) {
    const client = new AgoraClient({
      baseUrls: c.baseUrls,
      customerId: c.customerId,
      customerSecret: c.customerSecret,
      timeoutMs: c.timeoutMs,
      maxRequestsPerSecond: processShare(c.maxRequestsPerSecond, c.workersPerAppId),
      logger,
    });
    return { activities: createAgoraAdapter(client, c), close: () => client.close() };
  },
  secrets: agoraSecrets,
};

const trtc: ProviderWorker<TrtcConfig> = {
  accounts: (c) => Object.keys(c.apps),
  // TRTC's 20 QPS is per account (SecretId), shared by all its SdkAppIds' queues.
  maxRequestsPerSecond: (c) => c.maxRequestsPerSecond / Object.keys(c.apps).length,
  open(c, logger) {
    const client = new TrtcClient({
      baseUrl: c.baseUrl,
      secretId: c.secretId,
      secretKey: c.secretKey,
      region: c.region,
      timeoutMs: c.timeoutMs,
      maxRequestsPerSecond: processShare(c.maxRequestsPerSecond, c.workersPerAccount),
      logger,
    });
    return { activities: createTrtcAdapter(client, c), close: async () => client.close() };
  },
  secrets: trtcSecrets,
};

export const providerWorkers = { agora, trtc };
export type ConfiguredProvider = keyof typeof providerWorkers;
