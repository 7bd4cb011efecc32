/**
 * The worker half of each provider: its config section, the accounts it serves, its budget, and
 * its recorder adapter. One entry per provider; the pure half is ./catalog.ts.
 */
import type { Logger } from 'pino';
import type { RecorderActivities } from '../contract/recorder';
import { AgoraClient } from './agora/client';
import { agoraSecrets, type AgoraConfig } from './agora/config';
import { createAgoraAdapter } from './agora/adapter';

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
      maxRequestsPerSecond: c.maxRequestsPerSecond / c.workersPerAppId,
      logger,
    });
    return { activities: createAgoraAdapter(client, c), close: () => client.close() };
  },
  secrets: agoraSecrets,
};

export const providerWorkers = { agora };
export type ConfiguredProvider = keyof typeof providerWorkers;
