/**
 * The typed backend API. Every argument is zod-validated before anything reaches Temporal, and
 * errors name the bad field. One workflow per recording id: starting the same id again attaches
 * to the running workflow instead of creating a second recorder.
 */
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { connectClient, resolveConnection } from './temporal-connection';
import {
  awaitStoppedUpdate,
  DEFAULT_TASK_QUEUE,
  PHASES,
  stateQuery,
  stopSignal,
  updateLayoutUpdate,
  updateSubscriptionsUpdate,
  WORKFLOW_TYPE,
  type Phase,
  type RecordingState,
  type RecordingWorkflow,
  type RecordingSummary,
  type Segment,
  type UpdateResult,
} from './contract/messages';
import { recordingIdOf, workflowIdFor, type SettingName } from './contract/recorder';
import { InvalidInputError, parseOrThrow, recordingIdSchema } from './contract/request';
import { RecordingAppId, RecordingChannel, RecordingCoverage, RecordingGapSeconds, RecordingPhase, RecordingProvider, RecordingRestarts, RecordingSid, RecordingUid } from './contract/search-attributes';
import type { RecordingFailureDetails } from './contract/messages';
import { buildReport, type RecordingReport, type ReportList, type ReportListRow } from './report/model';
import { identitiesFor, recordingRequestSchema, specOf, timingsFor, validateSetting, type RecordingRequest } from './providers/catalog';
import type { Layout, Subscriptions } from './providers/agora/request';
import type { TrtcLayout, TrtcSubscriptions } from './providers/trtc/request';

export type { RecordingRequest, RecordingState, RecordingSummary, Segment, Subscriptions, Layout, UpdateResult, Phase, RecordingReport, ReportList, ReportListRow };
export type { Coverage, CoverageGap } from './contract/coverage';
export { InvalidInputError, DEFAULT_TASK_QUEUE, workflowIdFor };

export interface StartedRecording {
  recordingId: string;
  workflowId: string;
  runId: string;
}

export interface RecordingDescription {
  recordingId: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, … */
  status: string;
  state?: RecordingState;
  /** The workflow's page in the Temporal Web UI (RecordingClient's webUiUrl, TEMPORAL_UI_URL, default the dev server's). */
  webUiUrl: string;
}

export interface RecordingListItem {
  recordingId: string;
  workflowId: string;
  status: string;
  phase?: string;
  channel?: string;
  account?: string;
  recorderId?: string;
  identity?: string;
  restarts?: number;
  /** Seconds of the session not proven recorded, and covered / session (search attributes). */
  gapSeconds?: number;
  coverage?: number;
  startTime: string;
}

const phaseSchema = z.enum(PHASES);
const listFilterSchema = z.strictObject({
  phase: phaseSchema.optional(),
  channel: z.string().min(1).optional(),
  /** The provider account (Agora App ID). */
  account: z.string().min(1).optional(),
  /** Only workflows still running (default true). */
  running: z.boolean().default(true),
  limit: z.number().int().min(1).max(10_000).default(100),
});
export type ListFilter = z.input<typeof listFilterSchema>;

/** "90m", "24h", "7d" before now, or an ISO time. */
const sinceSchema = z.string().transform((v, ctx) => {
  const rel = /^(\d+)([smhd])$/.exec(v.trim());
  const t = rel ? Date.now() - Number(rel[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as 's' | 'm' | 'h' | 'd'] : Date.parse(v);
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: `must be a duration like 90m, 24h, 7d or an ISO time; got '${v}'` });
    return z.NEVER;
  }
  return new Date(t).toISOString();
});
const reportListSchema = z.strictObject({
  since: sinceSchema.optional(),
  /** A Temporal visibility query ANDed to the recording filter, e.g. `RecordingGapSeconds > 60`. */
  query: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(10_000).default(200),
});
export type ReportListFilter = z.input<typeof reportListSchema>;

/** The workflow refused an update (its validator, or the recording is stopping); `message` says why. */
export class UpdateRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpdateRejectedError';
  }
}

/**
 * The id's recording already completed. A recording id names one recording: only one that failed,
 * was terminated, cancelled or timed out may be started again under the same id.
 */
export class RecordingAlreadyFinishedError extends Error {
  constructor(readonly recordingId: string, options?: { cause?: unknown }) {
    super(`recording ${recordingId} already finished; use a new id`, options);
    this.name = 'RecordingAlreadyFinishedError';
  }
}

/** The dev server's Web UI; docker-compose serves it on :8080. */
const DEFAULT_WEB_UI_URL = 'http://localhost:8233';

/** WorkflowUpdateFailedError says only "Workflow Update failed"; the reason is in its cause. */
async function rejectedWithReason<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new UpdateRejectedError(`update rejected: ${err.cause?.message ?? err.message}`, { cause: err });
    throw err;
  }
}

export class RecordingClient {
  readonly webUiUrl: string;

  constructor(
    readonly temporal: Client,
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
    webUiUrl: string = process.env.TEMPORAL_UI_URL || DEFAULT_WEB_UI_URL,
  ) {
    this.webUiUrl = webUiUrl.replace(/\/+$/, '');
  }

  /** Connection settings as every Temporal tool reads them (src/temporal-connection.ts); `address`/`namespace` here win. */
  static async connect(opts: { address?: string; namespace?: string; taskQueue?: string; profile?: string; webUiUrl?: string } = {}): Promise<RecordingClient> {
    const settings = resolveConnection({ explicit: { address: opts.address, namespace: opts.namespace }, profile: opts.profile });
    const connection = await connectClient(settings);
    return new RecordingClient(new Client({ connection, namespace: settings.namespace }), opts.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE, opts.webUiUrl);
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }

  async startRecording(request: RecordingRequest): Promise<StartedRecording> {
    const input = parseOrThrow(recordingRequestSchema, request);
    try {
      timingsFor(input);
    } catch (err) {
      throw new InvalidInputError((err as Error).message);
    }
    const workflowId = workflowIdFor(input.recordingId);
    const described = specOf(input).describe(input);
    const identities = identitiesFor(input);
    const handle = await this.temporal.workflow.start<RecordingWorkflow>(WORKFLOW_TYPE, {
      taskQueue: this.taskQueue,
      workflowId,
      args: [{ input }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      // A completed recording's id is never reused: its files and summary stay the id's. After a failure a new run may take it.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      typedSearchAttributes: [
        { key: RecordingPhase, value: specOf(input).leases ? 'acquiring' : 'starting' },
        { key: RecordingChannel, value: input.channel },
        { key: RecordingAppId, value: specOf(input).account(input) },
        { key: RecordingProvider, value: input.provider },
      ],
      // The memo and static details name things only (channel, identities, storage profile), never secrets.
      memo: {
        summary: `${described.summary}, identities ${identities.join(' / ')}`,
        provider: input.provider,
        channel: input.channel,
        identities,
        storageProfile: input.storageProfile,
        ...described.memo,
      },
      // Shown at the top of the workflow's page in the Web UI.
      staticSummary: described.summary,
      staticDetails: [
        ...described.details,
        `**identities** ${identities.map((i) => `\`${i}\``).join(', ')}`,
        ...(input.timings ? [`**timings overridden**: ${Object.keys(input.timings).join(', ')}`] : []),
      ].join('\n\n'),
    }).catch((err: unknown) => {
      throw err instanceof WorkflowExecutionAlreadyStartedError ? new RecordingAlreadyFinishedError(input.recordingId, { cause: err }) : err;
    });
    return { recordingId: input.recordingId, workflowId, runId: handle.firstExecutionRunId };
  }

  /**
   * Signals stop and waits until every recorder is stopped: the summary's files, stop answers and
   * segments are final then. A recording that tracks uploads is still `uploading`; its upload
   * states settle later (awaitUploads).
   */
  async stopRecording(recordingId: string, opts: { reason?: string; wait?: boolean } = {}): Promise<RecordingSummary | undefined> {
    const handle = this.handle(recordingId);
    await handle.signal(stopSignal, { reason: opts.reason });
    if (opts.wait === false) return undefined;
    try {
      return await handle.executeUpdate(awaitStoppedUpdate);
    } catch {
      // Already closed, failed (its result throws the failure), or a worker older than the update.
      return handle.result();
    }
  }

  /** Waits for the recording to end, uploads settled or past their deadline, and returns its final summary. */
  async awaitUploads(recordingId: string): Promise<RecordingSummary> {
    return this.handle(recordingId).result();
  }

  async updateSubscriptions(recordingId: string, subscriptions: Subscriptions | TrtcSubscriptions): Promise<UpdateResult> {
    return this.changeSetting(recordingId, 'subscriptions', subscriptions);
  }

  async updateLayout(recordingId: string, layout: Layout | TrtcLayout): Promise<UpdateResult> {
    return this.changeSetting(recordingId, 'layout', layout);
  }

  private async changeSetting(recordingId: string, name: SettingName, value: unknown): Promise<UpdateResult> {
    const valid = validateSetting(name, value);
    const update = name === 'layout' ? updateLayoutUpdate : updateSubscriptionsUpdate;
    return rejectedWithReason(this.handle(recordingId).executeUpdate(update, { args: [valid] }));
  }

  async describeRecording(recordingId: string): Promise<RecordingDescription> {
    const handle = this.handle(recordingId);
    const d = await handle.describe();
    let state: RecordingState | undefined;
    try {
      state = (await handle.query(stateQuery)) ?? undefined;
    } catch {
      // A workflow that failed before its first task has no state to query.
    }
    return {
      recordingId,
      workflowId: handle.workflowId,
      status: d.status.name,
      state,
      webUiUrl: `${this.webUiUrl}/namespaces/${encodeURIComponent(this.temporal.options.namespace)}/workflows/${encodeURIComponent(handle.workflowId)}`,
    };
  }

  async listRecordings(filter: ListFilter = {}): Promise<RecordingListItem[]> {
    const f = parseOrThrow(listFilterSchema, filter, 'filter');
    const clauses = [`WorkflowType = "${WORKFLOW_TYPE}"`];
    if (f.running) clauses.push(`ExecutionStatus = "Running"`);
    if (f.phase) clauses.push(`${RecordingPhase.name} = "${f.phase}"`);
    if (f.channel) clauses.push(`${RecordingChannel.name} = ${JSON.stringify(f.channel)}`);
    if (f.account) clauses.push(`${RecordingAppId.name} = ${JSON.stringify(f.account)}`);
    const out: RecordingListItem[] = [];
    for await (const wf of this.temporal.workflow.list({ query: clauses.join(' AND ') })) {
      const sa = wf.searchAttributes as Record<string, unknown[] | undefined>;
      const first = <T>(k: string) => sa[k]?.[0] as T | undefined;
      out.push({
        recordingId: recordingIdOf(wf.workflowId),
        workflowId: wf.workflowId,
        status: wf.status.name,
        phase: first<string>(RecordingPhase.name),
        channel: first<string>(RecordingChannel.name),
        account: first<string>(RecordingAppId.name),
        recorderId: first<string>(RecordingSid.name),
        identity: first<string>(RecordingUid.name),
        restarts: first<number>(RecordingRestarts.name),
        gapSeconds: first<number>(RecordingGapSeconds.name),
        coverage: first<number>(RecordingCoverage.name),
        startTime: wf.startTime.toISOString(),
      });
      if (out.length >= f.limit) break;
    }
    return out;
  }

  /**
   * One recording's segments and coverage, for `report`: a finished recording from its result (or
   * its failure's details), so no worker needs to replay it; a running one from its state query.
   */
  async reportRecording(recordingId: string): Promise<RecordingReport> {
    const handle = this.handle(recordingId);
    const d = await handle.describe();
    const sa = d.typedSearchAttributes;
    const base = {
      recordingId,
      workflowId: handle.workflowId,
      status: d.status.name,
      webUiUrl: `${this.webUiUrl}/namespaces/${encodeURIComponent(this.temporal.options.namespace)}/workflows/${encodeURIComponent(handle.workflowId)}`,
      provider: sa.get(RecordingProvider) ?? '',
      account: sa.get(RecordingAppId) ?? '',
      channel: sa.get(RecordingChannel) ?? '',
      phase: sa.get(RecordingPhase),
    };
    if (d.status.name === 'COMPLETED') {
      const s: RecordingSummary = await handle.result();
      return buildReport({ ...base, phase: 'stopped', stopReason: s.stopReason, restarts: s.restarts, segments: s.segments, stoppedAt: s.coverage?.to });
    }
    if (d.status.name === 'FAILED') {
      try {
        await handle.result();
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        const failure = err.cause as { message?: string; details?: unknown[] } | undefined;
        const details = failure?.details?.[0] as RecordingFailureDetails | undefined;
        const segments = details?.segments ?? [];
        return buildReport({ ...base, phase: 'failed', lastError: failure?.message, restarts: Math.max(0, segments.length - 1), segments });
      }
    }
    const state = await handle.query(stateQuery);
    // Still checking its request: nothing has reached the vendor yet.
    if (!state) return buildReport({ ...base, phase: 'acquiring', restarts: 0, segments: [] });
    return buildReport({ ...base, phase: state.phase, stopReason: state.stopReason, lastError: state.lastError, restarts: state.restarts, segments: state.segments, stoppedAt: state.stopRequestedAt });
  }

  /** Many recordings with their coverage and gap totals (from search attributes), newest first. */
  async reportList(filter: ReportListFilter = {}): Promise<ReportList> {
    const f = parseOrThrow(reportListSchema, filter, 'filter');
    const clauses = [`WorkflowType = "${WORKFLOW_TYPE}"`];
    if (f.since) clauses.push(`StartTime >= "${f.since}"`);
    if (f.query) clauses.push(`(${f.query})`);
    const query = clauses.join(' AND ');
    const rows: ReportListRow[] = [];
    for await (const wf of this.temporal.workflow.list({ query })) {
      const sa = wf.typedSearchAttributes;
      rows.push({
        recordingId: recordingIdOf(wf.workflowId),
        workflowId: wf.workflowId,
        status: wf.status.name,
        phase: sa.get(RecordingPhase),
        provider: sa.get(RecordingProvider),
        account: sa.get(RecordingAppId),
        channel: sa.get(RecordingChannel),
        restarts: sa.get(RecordingRestarts),
        gapSeconds: sa.get(RecordingGapSeconds),
        coverage: sa.get(RecordingCoverage),
        startTime: wf.startTime.toISOString(),
        ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
      });
      if (rows.length >= f.limit) break;
    }
    return { query, rows, generatedAt: new Date().toISOString() };
  }

  private handle(recordingId: string): WorkflowHandle<RecordingWorkflow> {
    return this.temporal.workflow.getHandle(workflowIdFor(parseOrThrow(recordingIdSchema, recordingId, 'recordingId')));
  }
}
