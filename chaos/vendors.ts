/**
 * What a chaos run needs of each vendor's emulator, in one shape: its worker config section, a
 * channel and a request for a new recording, its task list and request log normalised to the Agora
 * emulator's fields (which the checks read), and its faults. Scenarios write faults in the Agora
 * emulator's terms (op, httpStatus, delayMs, apply, effect); the TRTC side translates each into
 * the TRTC answer that means the same to the lifecycle, or refuses one it has no analog for.
 */
import { startEmulator } from '../src/emulator/server';
import { startTrtcEmulator, type TrtcLogEntry, type TrtcTaskView } from '../src/emulator/trtc';
import type { TaskView } from '../src/emulator/control';

export type ChaosProvider = 'agora' | 'trtc';

/** The fields of a listed task the checks read; subscriptions narrowed to what they compare. */
export type EmulatorTask = Pick<TaskView, 'cname' | 'uid' | 'resourceId' | 'sid' | 'status' | 'live' | 'startedAt' | 'endedAt' | 'endReason'> & {
  subscriptions: { audioUidList?: { subscribeAudioUids?: string[] } } | null;
};

export interface RequestSeen {
  op: string | null;
  cname: string | null;
  httpStatus: number;
  at: number;
}

export interface VendorSide {
  provider: ChaosProvider;
  controlBase: string;
  describe: string;
  workerSection(): Record<string, unknown>;
  channel(runTag: string, seq: number): string;
  request(recordingId: string, channel: string): Record<string, unknown>;
  subscription(uids: string[]): Record<string, unknown>;
  task(raw: any): EmulatorTask;
  request_(raw: any): RequestSeen;
  /** The vendor's version of a fault; undefined for an operation it does not have (TRTC has no acquire). */
  fault(f: Record<string, unknown>): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

export const AGORA_APP = 'c0ffee00c0ffee00c0ffee00c0ffee00';
export const TRTC_APP = 1400099999;
const TRTC_SDK_SECRET = 'chaos-trtc-sdk-secret-key';

export async function startVendor(provider: ChaosProvider): Promise<VendorSide> {
  return provider === 'trtc' ? startTrtc() : startAgora();
}

async function startAgora(): Promise<VendorSide> {
  const emulator = await startEmulator({ startDelayMs: 1_500, qps: 20 });
  return {
    provider: 'agora',
    controlBase: emulator.altBaseUrl,
    describe: `emulator at ${emulator.baseUrl} (alternate ${emulator.altBaseUrl})`,
    workerSection: () => ({
      agora: {
        baseUrls: [emulator.baseUrl, emulator.altBaseUrl],
        customerId: emulator.options.customerId,
        customerSecret: emulator.options.customerSecret,
        timeoutMs: 2_000,
        // The shipped budget, shared by the two worker processes as a deployment of two would set it.
        workersPerAppId: 2,
        apps: { [AGORA_APP]: { appCertificate: 'c0ffeec0ffeec0ffeec0ffeec0ffee99' } },
        storageProfiles: { default: { vendor: 1, region: 0, bucket: 'chaos-bucket', accessKey: 'chaos-access-key', secretKey: 'chaos-secret-key' } },
      },
    }),
    channel: (runTag, seq) => `ch_${runTag}_${seq}`,
    request: (recordingId, channel) => ({ recordingId, appId: AGORA_APP, channel, mode: 'mix', storageProfile: 'default', recordingConfig: { maxIdleTime: 300 } }),
    subscription: (uids) => ({ subscribeAudioUids: uids }),
    task: (raw) => raw as EmulatorTask,
    request_: (raw) => raw as RequestSeen,
    fault: (f) => {
      if ('trtcCode' in f) throw new Error('a TRTC-only fault on Agora');
      return f;
    },
    close: () => emulator.close(),
  };
}

/** TRTC actions by the Agora operation they stand for. */
const ACTION: Record<string, string> = { start: 'create', query: 'describe', stop: 'delete', update: 'modify', '*': '*' };
const OP_OF: Record<string, string> = { CreateCloudRecording: 'start', DescribeCloudRecording: 'query', DeleteCloudRecording: 'stop', ModifyCloudRecording: 'update' };

/** The TRTC error code that means to the lifecycle what an Agora status meant (ambiguous, rate-limited, not found). */
function codeFor(httpStatus: number): string {
  if (httpStatus === 429) return 'RequestLimitExceeded';
  if (httpStatus === 404) return 'ResourceNotFound';
  if (httpStatus === 206 || httpStatus >= 500) return 'InternalError.CRInternalError';
  throw new Error(`no TRTC analog for an Agora ${httpStatus} fault`);
}

/** The Agora status a TRTC answer stands for, so checks written against the Agora log read it too. */
function statusOf(code: string | null): number {
  if (code === null) return 200;
  if (code === 'RequestLimitExceeded') return 429;
  if (code === 'ResourceNotFound') return 404;
  if (code.startsWith('InternalError')) return 500;
  return 400;
}

async function startTrtc(): Promise<VendorSide> {
  const emulator = await startTrtcEmulator({ startDelayMs: 1_500, exitingMs: 800, sdkSecretKeys: { [String(TRTC_APP)]: TRTC_SDK_SECRET } });
  return {
    provider: 'trtc',
    controlBase: emulator.baseUrl,
    describe: `TRTC emulator at ${emulator.baseUrl}`,
    workerSection: () => ({
      trtc: {
        baseUrl: emulator.baseUrl,
        secretId: emulator.options.secretId,
        secretKey: emulator.options.secretKey,
        timeoutMs: 2_000,
        workersPerAccount: 2,
        apps: { [String(TRTC_APP)]: { sdkSecretKey: TRTC_SDK_SECRET } },
        storageProfiles: { default: { CloudStorage: { Vendor: 0, Region: 'ap-shanghai', Bucket: 'chaos-1250000000', AccessKey: 'chaos-access-key', SecretKey: 'chaos-secret-key' } } },
      },
    }),
    // Integer rooms, unique per run and recording.
    channel: (runTag, seq) => String((Number(runTag.slice(-6)) % 40_000) * 100_000 + seq + 1),
    request: (recordingId, channel) => ({ provider: 'trtc', recordingId, sdkAppId: TRTC_APP, channel, recordMode: 'mixed', storageProfile: 'default', maxIdleTime: 300 }),
    subscription: (uids) => ({ SubscribeAudioUserIds: uids }),
    task: (t: TrtcTaskView): EmulatorTask => ({
      cname: t.roomId,
      uid: t.userId,
      resourceId: '',
      sid: t.taskId,
      status: t.status === 'InProgress' ? 5 : t.status === 'Idle' ? 4 : 20,
      live: t.live,
      startedAt: t.createdAt,
      endedAt: t.endedAt ?? undefined,
      // A create retried with the same UserId replaces the robot it kicks (LeaveCode 101): that one never ran unowned.
      endReason: t.leaveCode === 101 ? 'replaced by its own identity (LeaveCode 101)' : (t.endReason ?? undefined),
      subscriptions: t.subscribe?.SubscribeAudioUserIds ? { audioUidList: { subscribeAudioUids: t.subscribe.SubscribeAudioUserIds } } : null,
    } as EmulatorTask),
    request_: (r: TrtcLogEntry): RequestSeen => ({ op: r.action ? (OP_OF[r.action] ?? r.action) : null, cname: r.roomId, httpStatus: statusOf(r.code), at: r.at }),
    fault: (f) => {
      const { op, httpStatus, code, reason, match, effect, trtcCode, ...rest } = f as {
        op: string;
        httpStatus?: number;
        code?: number;
        reason?: string;
        match?: { cname?: string };
        effect?: string;
        /** A TRTC answer with no Agora counterpart, given as is. */
        trtcCode?: string;
      };
      if (op === 'acquire') return undefined;
      if (!(op in ACTION)) throw new Error(`no TRTC analog for a fault on ${op}`);
      if (effect !== undefined && effect !== 'hang') throw new Error(`no TRTC analog for the ${effect} effect`);
      if (code !== undefined && httpStatus !== 206 && httpStatus !== undefined && httpStatus < 500) throw new Error(`no TRTC analog for Agora code ${code}`);
      return {
        op: ACTION[op],
        ...rest,
        ...(effect ? { effect } : {}),
        ...(httpStatus !== undefined ? { code: codeFor(httpStatus), message: reason ?? `chaos ${httpStatus}` } : {}),
        ...(trtcCode ? { code: trtcCode, message: reason ?? 'chaos' } : {}),
        ...(match?.cname ? { match: { roomId: match.cname } } : {}),
      };
    },
    close: () => emulator.close(),
  };
}
