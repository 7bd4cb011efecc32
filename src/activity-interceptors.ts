/**
 * What every recorder activity gets, whatever its provider, written once: log lines that name
 * the recording, and the vendor-call metrics (count by outcome and HTTP status, 429s, latency,
 * time waited for the account's budget).
 */
import type { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from 'pino';
import { describeDetail, type VendorDetail } from './contract/detail';
import { recordingIdOf, type RecorderRef } from './contract/recorder';
import type { RecordingInputBase } from './contract/request';
import { logContext } from './logger';

/** The ids an activity's arguments carry: a prepare/start request, an update request, or a recorder ref. */
function idsOf(arg: unknown): Record<string, string | undefined> {
  const a = (arg ?? {}) as { recording?: RecordingInputBase; identity?: string; recorder?: RecorderRef } & Partial<RecorderRef>;
  const ref = a.recorder ?? (a.recorderId ? (a as RecorderRef) : undefined);
  if (ref) return { channel: ref.channel, identity: ref.identity, recorderId: ref.recorderId };
  return { channel: a.recording?.channel, identity: a.identity };
}

export function recorderActivityInterceptors(provider: string, account: string, logger: Logger, meter: MetricMeter): ActivityInterceptorsFactory {
  const requests = meter.createCounter('vendor_requests', 'requests', 'Vendor REST calls by provider, op, outcome and HTTP status');
  const rateLimited = meter.createCounter('vendor_rate_limited', 'requests', 'Vendor answers "rate limited" (QPS over budget)');
  const latency = meter.createHistogram('vendor_request_latency', 'float', 's', 'Vendor call latency, failover attempts and QPS pacing included');
  const queueWait = meter.createHistogram('vendor_queue_wait', 'float', 's', "Time a vendor call waited for the account's request budget, by priority key (1 goes first)");
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        // prepareRecorder → prepare: the vendor operation, the same word for every provider.
        const op = ctx.info.activityType.replace(/Recorder$/, '');
        const fields = { recordingId: recordingIdOf(ctx.info.workflowExecution?.workflowId ?? ''), provider, account, ...idsOf(input.args[0]), op };
        // Every line logged during this call, the HTTP client's included, names the recording.
        return logContext.run(fields, async () => {
          const started = Date.now();
          // Lateness of a monitoring poll (priority 4) under a burst of starts shows here.
          queueWait.record(Math.max(0, started - ctx.info.currentAttemptScheduledTimestampMs) / 1000, { provider, account, op, priority: String(ctx.info.priority?.priorityKey || 3) });
          let outcome: { kind: string; detail?: VendorDetail; error?: string } | undefined;
          try {
            outcome = (await next(input)) as typeof outcome;
            return outcome;
          } finally {
            const kind = outcome?.kind ?? 'failed';
            const httpStatus = outcome?.detail?.httpStatus !== undefined ? String(outcome.detail.httpStatus) : 'none';
            requests.add(1, { provider, op, account, outcome: kind, http_status: httpStatus });
            if (kind === 'rate-limited') rateLimited.add(1, { provider, op, account });
            latency.record((Date.now() - started) / 1000, { provider, account, op });
            const line = { kind, httpStatus: outcome?.detail?.httpStatus };
            if (outcome && /^(prepared|started|recording|applied|stopped)$/.test(kind)) logger.debug(line, `${provider} ${op} ${kind}`);
            else logger.info({ ...line, detail: describeDetail(kind, outcome?.detail, outcome?.error) }, `${provider} ${op} ${kind}`);
          }
        });
      },
    },
  });
}
