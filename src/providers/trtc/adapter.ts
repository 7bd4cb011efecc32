/**
 * TRTC's recorder adapter: each activity makes one API 3.0 call through the TRTC client and reads
 * the answer through ./answers. The robot's UserSig is minted here, per identity, from the SDK
 * secret key in the worker's config: neither ever enters a workflow's history.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { activitySignal } from '../activity-signal';
import { CONFIG_ERROR, type PrepareRequest, type RecorderActivities, type RecorderRef, type StartRequest, type UpdateRequest } from '../../contract/recorder';
import { createAnswer, deleteAnswer, describeAnswer, modifyAnswer, type Unexpected } from './answers';
import type { TrtcClient } from './client';
import type { TrtcConfig } from './config';
import { describeOutcome } from './outcome';
import type { TrtcLayout, TrtcRecordingInput, TrtcSubscriptions } from './request';
import type { CreateCloudRecordingRequest } from './schemas';
import type { UploadStage } from '../../contract/events';
import type { TrtcOutcome } from './types';
import { mintUserSig } from './usersig';

/** A UserSig outlives the task by a day: an HA re-pull rejoins with it (spec §6 best practice 4). */
const USERSIG_MARGIN_S = 86_400;

function expected<T>(action: string, o: TrtcOutcome<T>): Exclude<TrtcOutcome<T>, Unexpected> {
  if (o.kind === 'invalid-request') throw ApplicationFailure.nonRetryable(`trtc ${action}: request rejected before sending: ${o.error}`, CONFIG_ERROR);
  if (o.kind === 'invalid-response') throw ApplicationFailure.retryable(describeOutcome(action, o), 'InvalidVendorResponse');
  return o as Exclude<TrtcOutcome<T>, Unexpected>;
}

const sdkAppIdOf = (ref: RecorderRef): number => Number(ref.account);

export function createTrtcAdapter(client: TrtcClient, config: TrtcConfig): RecorderActivities {
  return {
    async prepareRecorder(_req: PrepareRequest) {
      // TRTC has no lease: a create needs nothing first.
      return { kind: 'prepared', lease: '' };
    },

    async startRecorder(req: StartRequest) {
      const r = req.recording as TrtcRecordingInput;
      const app = config.apps[String(r.sdkAppId)];
      if (!app) throw ApplicationFailure.nonRetryable(`SdkAppId ${r.sdkAppId} is not in the worker configuration (trtc.apps)`, CONFIG_ERROR);
      const storage = config.storageProfiles[r.storageProfile];
      if (!storage) throw ApplicationFailure.nonRetryable(`storage profile "${r.storageProfile}" is not in the worker configuration (trtc.storageProfiles)`, CONFIG_ERROR);
      const userSigSeconds = r.resourceExpiredHour * 3600 + USERSIG_MARGIN_S;
      const subscriptions = req.settings.subscriptions as TrtcSubscriptions | undefined;
      const layout = req.settings.layout as TrtcLayout | undefined;
      const body: CreateCloudRecordingRequest = {
        SdkAppId: r.sdkAppId,
        RoomId: r.channel,
        RoomIdType: r.roomIdType,
        UserId: req.identity,
        UserSig: mintUserSig(r.sdkAppId, app.sdkSecretKey, req.identity, userSigSeconds),
        RecordParams: {
          RecordMode: r.recordMode === 'single' ? 1 : 2,
          MaxIdleTime: r.maxIdleTime,
          StreamType: r.streamType,
          ...(subscriptions ? { SubscribeStreamUserIds: subscriptions } : {}),
          ...(r.outputFormat !== undefined ? { OutputFormat: r.outputFormat } : {}),
          ...(r.avMerge !== undefined ? { AvMerge: r.avMerge } : {}),
          ...(r.maxMediaFileDuration !== undefined ? { MaxMediaFileDuration: r.maxMediaFileDuration } : {}),
        },
        StorageParams: storage,
        ...(r.transcode ? { MixTranscodeParams: r.transcode } : {}),
        ...(layout && r.recordMode === 'mixed' ? { MixLayoutParams: layout } : {}),
        ResourceExpiredHour: r.resourceExpiredHour,
      };
      const startedAt = Date.now();
      const o = await client.createCloudRecording(body, { signal: activitySignal() });
      return createAnswer(expected('CreateCloudRecording', o), {
        provider: 'trtc',
        account: String(r.sdkAppId),
        channel: r.channel,
        identity: req.identity,
        credentialExpiresAt: new Date(startedAt + userSigSeconds * 1000).toISOString(),
        manageableUntil: new Date(startedAt + r.resourceExpiredHour * 3_600_000).toISOString(),
        uploadStages: uploadStagesOf(storage, r.outputFormat),
      });
    },

    async describeRecorder(ref: RecorderRef) {
      const o = await client.describeCloudRecording({ SdkAppId: sdkAppIdOf(ref), TaskId: ref.recorderId }, { signal: activitySignal() });
      return describeAnswer(expected('DescribeCloudRecording', o));
    },

    async updateRecorder({ recorder: ref, settings }: UpdateRequest) {
      // Modify overwrites (spec §2.3): send the whole desired state every time.
      const o = await client.modifyCloudRecording(
        {
          SdkAppId: sdkAppIdOf(ref),
          TaskId: ref.recorderId,
          ...(settings.subscriptions ? { SubscribeStreamUserIds: settings.subscriptions as TrtcSubscriptions } : {}),
          ...(settings.layout ? { MixLayoutParams: settings.layout as TrtcLayout } : {}),
        },
        { signal: activitySignal() },
      );
      return modifyAnswer(expected('ModifyCloudRecording', o));
    },

    async stopRecorder(ref: RecorderRef) {
      const o = await client.deleteCloudRecording({ SdkAppId: sdkAppIdOf(ref), TaskId: ref.recorderId }, { signal: activitySignal() });
      return deleteAnswer(expected('DeleteCloudRecording', o));
    },
  };
}

/**
 * Which upload callbacks settle a TRTC recorder's files (spec §5.4): VOD ends with 312; object
 * storage with 305, and with 310 as well when an MP4 conversion follows the HLS (OutputFormat 1,
 * hls+mp4; the spec infers 310 for that format only, so the others wait for 305 alone).
 */
export function uploadStagesOf(storage: { CloudVod?: unknown }, outputFormat: number | undefined): UploadStage[] {
  if (storage.CloudVod) return ['vod'];
  return outputFormat === 1 ? ['storage', 'mp4'] : ['storage'];
}
