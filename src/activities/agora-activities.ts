/**
 * Thin I/O: each activity makes one vendor call through the Agora client and translates the
 * answer into a VendorResult. Expected vendor answers (404, 206, 429, code 53…) are results;
 * only the unexpected throws (an unparseable 200, a request our own schemas reject, missing config).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { RtcRole, RtcTokenBuilder } from 'agora-token';
import type { Logger } from 'pino';
import { CONFIG_ERROR, type AcquireRequest, type RecorderActivities, type RecorderRef, type StartRequest } from '../domain/activities';
import type { Layout, Subscriptions } from '../domain/input';
import type { VendorMeta, VendorResult } from '../domain/vendor';
import { AgoraClient, describeOutcome, serverResponseView, type AgoraOutcome, type StartClientRequest } from '../providers/agora';
import type { WorkerConfig } from '../config';
import { recordingIdOf } from '../domain/ids';
import { logContext } from '../logger';

export interface AgoraActivityDeps {
  client: AgoraClient;
  config: WorkerConfig;
  logger: Logger;
  /** Called after every vendor call with its duration (metrics). */
  onCall?: (op: string, appId: string, outcome: AgoraOutcome<unknown>, ms: number) => void;
}

export function createAgoraActivities({ client, config, logger, onCall }: AgoraActivityDeps): RecorderActivities {
  async function call<T, D>(op: string, ids: Record<string, string | undefined>, run: (signal?: AbortSignal) => Promise<AgoraOutcome<T>>, data: (body: T) => D): Promise<VendorResult<D>> {
    const context = activityContext();
    // Every line logged during this call, the HTTP client's included, names the recording.
    return logContext.run({ recordingId: context?.recordingId, ...ids }, async () => {
      const started = Date.now();
      const outcome = await run(context?.signal);
      onCall?.(op, ids.appId ?? '', outcome as AgoraOutcome<unknown>, Date.now() - started);
      const line = { op, kind: outcome.kind, httpStatus: 'httpStatus' in outcome ? outcome.httpStatus : undefined };
      if (outcome.kind === 'ok') logger.debug(line, `agora ${op} ok`);
      else logger.info({ ...line, detail: describeOutcome(op, outcome as AgoraOutcome<unknown>) }, `agora ${op} ${outcome.kind}`);
      return translate(op, outcome, data);
    });
  }

  return {
    acquire: (req: AcquireRequest) =>
      call('acquire', ids(req), (signal) =>
        client.acquire(
          req.appId,
          { cname: req.cname, uid: req.uid, clientRequest: { scene: req.mode === 'web' ? 1 : 0, resourceExpiredHour: req.resourceExpiredHour } },
          { signal },
        ),
        (b) => ({ resourceId: b.resourceId }),
      ),

    start: (req: StartRequest) =>
      call('start', ids(req), (signal) =>
        client.start(req.appId, req.resourceId, req.mode, { cname: req.cname, uid: req.uid, clientRequest: startClientRequest(req, config) }, { signal }),
        (b) => ({ sid: b.sid }),
      ),

    query: (ref: RecorderRef) =>
      call('query', ids(ref), (signal) => client.query(ref.appId, ref.resourceId, ref.sid, ref.mode, { signal }), (b) => {
        const view = serverResponseView(b.serverResponse);
        return { status: view.status, files: view.files.map((f) => f.fileName) };
      }),

    updateSubscriptions: (ref: RecorderRef, s: Subscriptions) =>
      call('update', ids(ref), (signal) =>
        client.update(ref.appId, ref.resourceId, ref.sid, ref.mode, { cname: ref.cname, uid: ref.uid, clientRequest: { streamSubscribe: streamSubscribe(s) } }, { signal }),
        () => ({}) as Record<string, never>,
      ),

    updateLayout: (ref: RecorderRef, layout: Layout) =>
      call('updateLayout', ids(ref), (signal) => client.updateLayout(ref.appId, ref.resourceId, ref.sid, { cname: ref.cname, uid: ref.uid, clientRequest: layout }, { signal }), () => ({}) as Record<string, never>),

    stop: (ref: RecorderRef) =>
      call('stop', ids(ref), (signal) =>
        client.stop(ref.appId, ref.resourceId, ref.sid, ref.mode, { cname: ref.cname, uid: ref.uid, clientRequest: { async_stop: false } }, { signal }),
        (b) => {
          const view = serverResponseView(b.serverResponse);
          return { files: view.files.map((f) => f.fileName), uploadingStatus: view.uploadingStatus };
        },
      ),
  };
}

function ids(r: { appId: string; cname: string; uid: string; resourceId?: string; sid?: string }): Record<string, string | undefined> {
  return { appId: r.appId, channel: r.cname, uid: r.uid, sid: r.sid };
}

function activityContext(): { signal: AbortSignal; recordingId: string } | undefined {
  try {
    const ctx = Context.current();
    return { signal: ctx.cancellationSignal, recordingId: recordingIdOf(ctx.info.workflowExecution?.workflowId ?? '') };
  } catch {
    return undefined; // called outside an activity (unit tests)
  }
}

function translate<T, D>(op: string, o: AgoraOutcome<T>, data: (body: T) => D): VendorResult<D> {
  switch (o.kind) {
    case 'ok':
      return { kind: 'ok', data: data(o.body), ...meta(o) };
    case 'already-started':
      return { kind: 'already-started', sid: o.sid, ...meta(o) };
    case 'partial':
    case 'not-found':
    case 'rate-limited':
    case 'client-error':
    case 'server-error':
      return { kind: o.kind, ...meta(o) };
    case 'network':
      return { kind: 'unavailable', error: describeOutcome(op, o as AgoraOutcome<unknown>) };
    case 'invalid-request':
      // Our own request failed the vendor schema: the storage profile or recording options are wrong.
      throw ApplicationFailure.nonRetryable(`agora ${op}: request rejected before sending: ${o.error}`, CONFIG_ERROR);
    case 'invalid-response':
      // Unexpected: throw so Temporal retries, and the history shows what the vendor sent.
      throw ApplicationFailure.retryable(describeOutcome(op, o as AgoraOutcome<unknown>), 'InvalidVendorResponse');
  }
}

function meta(o: { httpStatus?: number; code?: number; reason?: string; message?: string; requestId?: string; host?: string }): VendorMeta {
  const m: VendorMeta = {};
  for (const k of ['httpStatus', 'code', 'reason', 'message', 'requestId', 'host'] as const) {
    if (o[k] !== undefined) (m as Record<string, unknown>)[k] = o[k];
  }
  return m;
}

function streamSubscribe(s: Subscriptions): Record<string, unknown> {
  const audio = s.subscribeAudioUids ? { subscribeAudioUids: s.subscribeAudioUids } : s.unsubscribeAudioUids ? { unsubscribeAudioUids: s.unsubscribeAudioUids } : undefined;
  const video = s.subscribeVideoUids ? { subscribeVideoUids: s.subscribeVideoUids } : s.unsubscribeVideoUids ? { unsubscribeVideoUids: s.unsubscribeVideoUids } : undefined;
  return { ...(audio ? { audioUidList: audio } : {}), ...(video ? { videoUidList: video } : {}) };
}

/** Builds start's clientRequest: the recording options from history plus the secrets only the worker holds. */
function startClientRequest(req: StartRequest, config: WorkerConfig): StartClientRequest {
  const app = config.agora.apps[req.appId];
  if (!app) throw ApplicationFailure.nonRetryable(`App ID ${req.appId} is not in the worker configuration (agora.apps)`, CONFIG_ERROR);
  const profile = config.storageProfiles[req.storageProfile];
  if (!profile) {
    throw ApplicationFailure.nonRetryable(`storage profile "${req.storageProfile}" is not in the worker configuration (storageProfiles)`, CONFIG_ERROR);
  }
  const token = app.appCertificate
    ? RtcTokenBuilder.buildTokenWithUid(req.appId, app.appCertificate, req.cname, Number(req.uid), RtcRole.SUBSCRIBER, app.tokenExpireSeconds, app.tokenExpireSeconds)
    : undefined;
  const storageConfig = { ...profile };
  const recordingFileConfig = { avFileType: req.avFileType };
  if (req.mode === 'web') {
    return {
      storageConfig,
      recordingFileConfig,
      extensionServiceConfig: {
        errorHandlePolicy: 'error_abort',
        extensionServices: [{ serviceName: 'web_recorder_service', errorHandlePolicy: 'error_abort', serviceParam: { ...req.webRecorder! } }],
      },
    } as StartClientRequest;
  }
  const { transcodingConfig, ...rest } = req.recordingConfig;
  const recordingConfig: Record<string, unknown> = { ...rest, ...(req.subscriptions ?? {}) };
  if (req.mode === 'mix' && (transcodingConfig || req.layout)) recordingConfig.transcodingConfig = { ...(transcodingConfig ?? {}), ...(req.layout ?? {}) };
  return { ...(token ? { token } : {}), storageConfig, recordingConfig, recordingFileConfig } as StartClientRequest;
}
