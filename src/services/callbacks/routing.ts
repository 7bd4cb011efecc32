/**
 * Finds the recording a vendor event belongs to and signals it (docs/operating.md, "Callbacks").
 * The workflow keeps the KeywordList search attribute RecorderIds current with every recorder id
 * it owns or awaits uploads from, so the receiver needs no table of its own and any replica can
 * answer any event. Visibility is eventually consistent: an event that arrives right after the
 * upsert (a recorder_started racing the start activity's return) is looked up again until the
 * visibility wait ends; then running recordings of the same channel get it (each ignores
 * recorders it does not own). Every Temporal call is bounded by the vendor's answer deadline;
 * anything but "no such workflow" is thrown, so the caller answers 5xx and the vendor resends.
 */
import { isRetryableError, makeGrpcRetryInterceptor, WorkflowNotFoundError, type Client, type ConnectionOptions } from '@temporalio/client';
import { recorderEventSignal, type RecorderEvent } from '../../contract/events';
import { RecorderIds, RecordingAppId, RecordingChannel, RecordingProvider } from '../../contract/search-attributes';

export type Route = 'recorder-id' | 'channel';

export type RoutingResult =
  | { delivered: true; route: Route; workflowIds: string[] }
  /** closed: recordings owned the recorder but all have ended; nowhere: no recording matched at all. */
  | { delivered: false; why: 'closed' | 'nowhere' };

export interface RoutingBudget {
  /** Epoch ms after which the RecorderIds query is not repeated. */
  visibilityUntil: number;
  /** Epoch ms by which every Temporal call has ended (the vendor's deadline less the margin). */
  deadline: number;
  pollMs: number;
}

/**
 * The receiver's gRPC retries: the SDK's default backs off up to 5 s between attempts, which would
 * outlive a 5 s vendor deadline; here attempts stay within a second of each other, so a call ends
 * soon after its deadline (past it a retry fails at once with DEADLINE_EXCEEDED).
 */
export function receiverConnectionOptions(): Pick<ConnectionOptions, 'interceptors'> {
  return {
    interceptors: [
      makeGrpcRetryInterceptor({
        retryableDecider: (attempt, status) => attempt < 20 && isRetryableError(status),
        delayFunction: (attempt) => Math.min(1_000, 100 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4),
      }),
    ],
  };
}

/** How many recordings one event may reach; a channel has a handful at most. */
const MAX_TARGETS = 20;

const quote = (v: string) => JSON.stringify(v);

export function recorderQuery(e: RecorderEvent): string {
  return `${RecorderIds.name} = ${quote(e.recorderId)} AND ${RecordingProvider.name} = ${quote(e.provider)}`;
}

export function channelQuery(e: RecorderEvent): string {
  const account = e.account ? ` AND ${RecordingAppId.name} = ${quote(e.account)}` : '';
  return `${RecordingChannel.name} = ${quote(e.channel)} AND ${RecordingProvider.name} = ${quote(e.provider)}${account} AND ExecutionStatus = "Running"`;
}

export class RoutingDeadlineError extends Error {
  constructor(ms: number) {
    super(`Temporal did not answer within ${ms} ms`);
    this.name = 'RoutingDeadlineError';
  }
}

export async function routeEvent(client: Client, event: RecorderEvent, budget: RoutingBudget): Promise<RoutingResult> {
  const ms = Math.max(0, budget.deadline - Date.now());
  const signal = AbortSignal.timeout(ms);
  // The gRPC deadline bounds each call and the SDK's retries of it (a cancel would not stop those);
  // the race is the guarantee that the vendor gets its answer in time whatever else is slow.
  const expired = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new RoutingDeadlineError(ms)), { once: true }));
  expired.catch(() => undefined);
  return Promise.race([expired, route(client, event, budget, signal)]);
}

function route(client: Client, event: RecorderEvent, budget: RoutingBudget, signal: AbortSignal): Promise<RoutingResult> {
  return client.connection.withDeadline(budget.deadline, async () => {
    // Closed runs match too: after a continue-as-new the new run may not be visible yet, and a
    // signal by workflow id reaches whichever run is current.
    for (;;) {
      const ids = await workflowIds(client, recorderQuery(event));
      if (ids.length > 0) {
        const sent = await signalAll(client, ids, event);
        return sent.length > 0 ? { delivered: true, route: 'recorder-id', workflowIds: sent } : { delivered: false, why: 'closed' };
      }
      if (Date.now() + budget.pollMs > budget.visibilityUntil) break;
      await sleep(budget.pollMs, signal);
    }
    const ids = await workflowIds(client, channelQuery(event));
    const sent = ids.length > 0 ? await signalAll(client, ids, event) : [];
    return sent.length > 0 ? { delivered: true, route: 'channel', workflowIds: sent } : { delivered: false, why: 'nowhere' };
  });
}

async function workflowIds(client: Client, query: string): Promise<string[]> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query, pageSize: MAX_TARGETS })) {
    ids.add(wf.workflowId);
    if (ids.size >= MAX_TARGETS) break;
  }
  return [...ids];
}

/** The workflow ids that took the signal; a closed or vanished workflow is skipped, any other failure is thrown. */
async function signalAll(client: Client, ids: string[], event: RecorderEvent): Promise<string[]> {
  const results = await Promise.allSettled(ids.map((id) => client.workflow.getHandle(id).signal(recorderEventSignal, event)));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof WorkflowNotFoundError));
  if (failure) throw failure.reason;
  return ids.filter((_, i) => results[i].status === 'fulfilled');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
