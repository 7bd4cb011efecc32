/**
 * Agora's recorder adapter: each activity makes one vendor call through the Agora client and
 * reads the answer through ./answers. Expected answers (404, 206, 429, code 53…) are typed
 * outcomes; only the unexpected throws (an unparseable 200, a request our own schemas reject,
 * missing config).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { RtcRole, RtcTokenBuilder } from 'agora-token';
import { activitySignal } from '../activity-signal';
import { CONFIG_ERROR, type PrepareRequest, type RecorderActivities, type RecorderRef, type StartRequest, type UpdateRequest } from '../../contract/recorder';
import { acquireAnswer, queryAnswer, startAnswer, stopAnswer, updateAnswer, type Unexpected } from './answers';
import type { AgoraClient } from './client';
import type { AgoraConfig } from './config';
import { describeOutcome } from './outcome';
import type { AgoraRecordingInput, Layout, Subscriptions } from './request';
import type { StartClientRequest } from './schemas';
import type { AgoraOutcome } from './types';

/** The unexpected answers become failures: a request we built wrong is config; an unreadable answer is retried. */
function expected<T>(op: string, o: AgoraOutcome<T>): Exclude<AgoraOutcome<T>, Unexpected> {
  if (o.kind === 'invalid-request') throw ApplicationFailure.nonRetryable(`agora ${op}: request rejected before sending: ${o.error}`, CONFIG_ERROR);
  if (o.kind === 'invalid-response') throw ApplicationFailure.retryable(describeOutcome(op, o), 'InvalidVendorResponse');
  return o as Exclude<AgoraOutcome<T>, Unexpected>;
}

const recordingOf = (req: { recording: unknown }): AgoraRecordingInput => req.recording as AgoraRecordingInput;
const modeOf = (ref: RecorderRef): AgoraRecordingInput['mode'] => (ref.vendor?.mode ?? 'mix') as AgoraRecordingInput['mode'];

export function createAgoraAdapter(client: AgoraClient, config: AgoraConfig): RecorderActivities {
  return {
    async prepareRecorder(req: PrepareRequest) {
      const r = recordingOf(req);
      const o = await client.acquire(
        r.appId,
        { cname: r.channel, uid: req.identity, clientRequest: { scene: r.mode === 'web' ? 1 : 0, resourceExpiredHour: r.resourceExpiredHour } },
        { signal: activitySignal() },
      );
      return acquireAnswer(expected('acquire', o));
    },

    async startRecorder(req: StartRequest) {
      const r = recordingOf(req);
      const { clientRequest, tokenExpireSeconds } = startClientRequest(r, req, config);
      const startedAt = Date.now();
      const o = await client.start(r.appId, req.lease!, r.mode, { cname: r.channel, uid: req.identity, clientRequest }, { signal: activitySignal() });
      const ref = {
        provider: 'agora',
        account: r.appId,
        channel: r.channel,
        identity: req.identity,
        lease: req.lease,
        vendor: { mode: r.mode },
        // The token cannot be renewed mid-recording (spec §7.4); the resource stops answering past resourceExpiredHour.
        ...(tokenExpireSeconds ? { credentialExpiresAt: new Date(startedAt + tokenExpireSeconds * 1000).toISOString() } : {}),
        manageableUntil: new Date(startedAt + r.resourceExpiredHour * 3_600_000).toISOString(),
      };
      return startAnswer(expected('start', o), ref, r.mode, r.channel);
    },

    async describeRecorder(ref: RecorderRef) {
      const o = await client.query(ref.account, ref.lease!, ref.recorderId, modeOf(ref), { signal: activitySignal() });
      return queryAnswer(expected('query', o));
    },

    async updateRecorder({ recorder: ref, changed, settings }: UpdateRequest) {
      const body = { cname: ref.channel, uid: ref.identity };
      if (changed === 'layout') {
        const o = await client.updateLayout(ref.account, ref.lease!, ref.recorderId, { ...body, clientRequest: settings.layout as Layout }, { signal: activitySignal() });
        return updateAnswer('updateLayout', expected('updateLayout', o));
      }
      const clientRequest = { streamSubscribe: streamSubscribe(settings.subscriptions as Subscriptions) };
      const o = await client.update(ref.account, ref.lease!, ref.recorderId, modeOf(ref), { ...body, clientRequest }, { signal: activitySignal() });
      return updateAnswer('update', expected('update', o));
    },

    async stopRecorder(ref: RecorderRef) {
      const o = await client.stop(ref.account, ref.lease!, ref.recorderId, modeOf(ref), { cname: ref.channel, uid: ref.identity, clientRequest: { async_stop: false } }, { signal: activitySignal() });
      return stopAnswer(expected('stop', o));
    },
  };
}

function streamSubscribe(s: Subscriptions): Record<string, unknown> {
  const audio = s.subscribeAudioUids ? { subscribeAudioUids: s.subscribeAudioUids } : s.unsubscribeAudioUids ? { unsubscribeAudioUids: s.unsubscribeAudioUids } : undefined;
  const video = s.subscribeVideoUids ? { subscribeVideoUids: s.subscribeVideoUids } : s.unsubscribeVideoUids ? { unsubscribeVideoUids: s.unsubscribeVideoUids } : undefined;
  return { ...(audio ? { audioUidList: audio } : {}), ...(video ? { videoUidList: video } : {}) };
}

/** Builds start's clientRequest: the recording options from history plus the secrets only the worker holds. */
function startClientRequest(r: AgoraRecordingInput, req: StartRequest, config: AgoraConfig): { clientRequest: StartClientRequest; tokenExpireSeconds?: number } {
  const app = config.apps[r.appId];
  if (!app) throw ApplicationFailure.nonRetryable(`App ID ${r.appId} is not in the worker configuration (agora.apps)`, CONFIG_ERROR);
  const profile = config.storageProfiles[r.storageProfile];
  if (!profile) {
    throw ApplicationFailure.nonRetryable(`storage profile "${r.storageProfile}" is not in the worker configuration (agora.storageProfiles)`, CONFIG_ERROR);
  }
  const token = app.appCertificate
    ? RtcTokenBuilder.buildTokenWithUid(r.appId, app.appCertificate, r.channel, Number(req.identity), RtcRole.SUBSCRIBER, app.tokenExpireSeconds, app.tokenExpireSeconds)
    : undefined;
  const storageConfig = { ...profile };
  const recordingFileConfig = { avFileType: r.avFileType };
  const tokenExpireSeconds = token ? app.tokenExpireSeconds : undefined;
  if (r.mode === 'web') {
    const clientRequest = {
      storageConfig,
      recordingFileConfig,
      extensionServiceConfig: {
        errorHandlePolicy: 'error_abort',
        extensionServices: [{ serviceName: 'web_recorder_service', errorHandlePolicy: 'error_abort', serviceParam: { ...r.webRecorder! } }],
      },
    } as StartClientRequest;
    return { clientRequest, tokenExpireSeconds };
  }
  const { transcodingConfig, ...rest } = r.recordingConfig;
  const subscriptions = req.settings.subscriptions as Subscriptions | undefined;
  const layout = req.settings.layout as Layout | undefined;
  const recordingConfig: Record<string, unknown> = { ...rest, ...(subscriptions ?? {}) };
  if (r.mode === 'mix' && (transcodingConfig || layout)) recordingConfig.transcodingConfig = { ...(transcodingConfig ?? {}), ...(layout ?? {}) };
  return { clientRequest: { ...(token ? { token } : {}), storageConfig, recordingConfig, recordingFileConfig } as StartClientRequest, tokenExpireSeconds };
}
