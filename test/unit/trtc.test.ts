/**
 * Pure unit tests for the TRTC request schema (src/providers/trtc/request.ts), its config section
 * and its answer table (src/providers/trtc/answers.ts), against TRTC spec §2.1, §4.1–4.2 and §6.
 */
import { parseWorkerConfig, configSecrets } from '../../src/config';
import { formatIssues } from '../../src/contract/request';
import { recordingRequestSchema, timingsFor } from '../../src/providers/catalog';
import { createAnswer, deleteAnswer, describeAnswer, modifyAnswer } from '../../src/providers/trtc/answers';
import type { TrtcRecordingInput } from '../../src/providers/trtc/request';
import { deriveRobotIds } from '../../src/providers/trtc/spec';

const base = { provider: 'trtc', recordingId: 'rec-1', sdkAppId: 1400188366, channel: '12345' };
const parse = (v: unknown) => recordingRequestSchema.safeParse(v);
const problems = (v: unknown): string => {
  const r = parse(v);
  if (r.success) throw new Error(`expected ${JSON.stringify(v)} to be rejected`);
  return formatIssues(r.error);
};

describe('TRTC request', () => {
  it('fills in the defaults: integer room, mixed mode, MaxIdleTime 300 s, 72 h resource', () => {
    const v = parse(base);
    expect(v.success).toBe(true);
    expect(v.data).toMatchObject({ roomIdType: 1, recordMode: 'mixed', maxIdleTime: 300, streamType: 0, resourceExpiredHour: 72, storageProfile: 'default' });
  });

  it('an integer room must be numeric; a string room must say roomIdType 0 (spec §6.2)', () => {
    expect(problems({ ...base, channel: 'math_101' })).toMatch(/channel: must be an integer room id .*roomIdType 0/);
    expect(parse({ ...base, channel: 'math_101', roomIdType: 0 }).success).toBe(true);
    expect(problems({ ...base, channel: 'a/b', roomIdType: 0 })).toMatch(/channel: string rooms/);
  });

  it('names the field of every problem', () => {
    expect(problems({ ...base, sdkAppId: 'abc' })).toMatch(/sdkAppId: /);
    expect(problems({ ...base, identities: ['robot_a'] })).toMatch(/identities: needs at least 2/);
    expect(problems({ ...base, identities: ['robot a', 'robot_b'] })).toMatch(/identities\.0: /);
    expect(problems({ ...base, subscriptions: { SubscribeAudioUserIds: Array.from({ length: 33 }, (_, i) => `u${i}`) } })).toMatch(/subscriptions\.SubscribeAudioUserIds: at most 32/);
    expect(problems({ ...base, subscriptions: { SubscribeAudioUserIds: ['a'], UnSubscribeAudioUserIds: ['b'] } })).toMatch(/UnSubscribeAudioUserIds: cannot be set together/);
    expect(problems({ ...base, subscriptions: { subscribeAudioUids: ['1'] } })).toMatch(/subscriptions: Unrecognized key/);
    expect(problems({ ...base, recordMode: 'single', layout: { MixLayoutMode: 3 } })).toMatch(/layout: applies to recordMode "mixed" only/);
    expect(problems({ ...base, resourceExpiredHour: 5 })).toMatch(/resourceExpiredHour: /);
  });

  it('TRTC timings: create retried after 3, 6, 12 s; first Describe 15 s after create; all below MaxIdleTime', () => {
    const t = timingsFor(parse(base).data as TrtcRecordingInput);
    expect(t.startRetryDelaysMs).toEqual([3_000, 6_000, 12_000]);
    expect(t.firstQueryDelayMs).toBe(15_000);
    expect(t.monitorIntervalMs).toBe(120_000);
    expect(() => timingsFor(parse({ ...base, maxIdleTime: 60 }).data as TrtcRecordingInput)).toThrow(/timings\.monitorIntervalMs .* must be below maxIdleTime/);
  });

  it('derives distinct, valid robot UserIds, the same for the same recording id', () => {
    const ids = deriveRobotIds('rec-1', 4);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(deriveRobotIds('rec-1', 2)).toEqual(ids.slice(0, 2));
    expect(deriveRobotIds('rec-2', 2)).not.toEqual(ids.slice(0, 2));
  });
});

describe('TRTC config section', () => {
  const trtc = {
    secretId: 'AKIDx',
    secretKey: 'api-secret-key',
    apps: { '1400188366': { sdkSecretKey: 'sdk-secret-key' } },
    storageProfiles: { default: { CloudStorage: { Vendor: 0, Region: 'ap-shanghai', Bucket: 'b-125', AccessKey: 'cos-ak-1', SecretKey: 'cos-sk-1' } } },
  };

  it('alone is a valid worker config, with defaults, and its secrets are all known', () => {
    const c = parseWorkerConfig({ trtc }, {});
    expect(c.trtc).toMatchObject({ region: 'ap-guangzhou', timeoutMs: 6_000, maxRequestsPerSecond: 19, baseUrl: 'https://trtc.tencentcloudapi.com' });
    expect(configSecrets(c).sort()).toEqual(['api-secret-key', 'cos-ak-1', 'cos-sk-1', 'sdk-secret-key']);
  });

  it('names bad fields, and needs some provider', () => {
    expect(() => parseWorkerConfig({ trtc: { ...trtc, apps: { abc: { sdkSecretKey: 'x' } } } }, {})).toThrow(/trtc\.apps\.abc: /);
    expect(() => parseWorkerConfig({ trtc: { ...trtc, secretKey: 'env:TRTC_KEY_X' } }, {})).toThrow(/trtc\.secretKey: environment variable TRTC_KEY_X is not set/);
    expect(() => parseWorkerConfig({}, {})).toThrow(/configure at least one provider/);
  });
});

describe('TRTC answers → outcomes (spec §4.1–4.2)', () => {
  const err = (code: string, errorClass: string) => ({ kind: 'error', code, message: 'm', requestId: 'r', errorClass }) as never;
  const ref = { provider: 'trtc', account: '1', channel: '1', identity: 'robot_0' };

  it('create', () => {
    expect(createAnswer({ kind: 'ok', body: { TaskId: 't1', RequestId: 'r' }, requestId: 'r' } as never, ref)).toMatchObject({ kind: 'started', recorder: { recorderId: 't1', identity: 'robot_0' } });
    expect(createAnswer(err('InternalError.CRInternalError', 'internal'), ref).kind).toBe('ambiguous');
    expect(createAnswer(err('FailedOperation.RestrictedConcurrency', 'restricted-concurrency'), ref).kind).toBe('unavailable');
    expect(createAnswer(err('RequestLimitExceeded', 'rate-limited'), ref).kind).toBe('rate-limited');
    for (const [code, cls] of [['InvalidParameter.RoomId', 'invalid-parameter'], ['MissingParameter.UserSig', 'missing-parameter'], ['AuthFailure.SignatureFailure', 'auth']]) {
      expect(createAnswer(err(code, cls), ref)).toMatchObject({ kind: 'rejected', detail: { code } });
    }
    expect(createAnswer({ kind: 'network', error: 'ECONNRESET', timedOut: false } as never, ref).kind).toBe('ambiguous');
    expect(createAnswer({ kind: 'http-error', httpStatus: 502, message: 'bad gateway' } as never, ref).kind).toBe('ambiguous');
  });

  it('describe', () => {
    const ok = (Status: string) => ({ kind: 'ok', body: { TaskId: 't', Status, StorageFileList: [{ FileName: 'f.m3u8', BeginTimeStamp: 1 }], RequestId: 'r' }, requestId: 'r' }) as never;
    expect(describeAnswer(ok('InProgress'))).toMatchObject({ kind: 'recording', status: 'InProgress', files: ['f.m3u8'] });
    expect(describeAnswer(ok('Idle')).kind).toBe('idle');
    expect(describeAnswer(ok('Exited')).kind).toBe('exited');
    expect(describeAnswer(err('ResourceNotFound', 'not-found')).kind).toBe('not-found');
    expect(describeAnswer(err('InternalError.DbError', 'internal')).kind).toBe('ambiguous');
    expect(describeAnswer(err('InvalidParameter.TaskId', 'invalid-parameter')).kind).toBe('rejected');
  });

  it('modify and delete', () => {
    expect(modifyAnswer({ kind: 'ok', body: {}, requestId: 'r' } as never).kind).toBe('applied');
    expect(modifyAnswer(err('InternalError.X', 'internal')).kind).toBe('ambiguous');
    expect(modifyAnswer(err('ResourceNotFound', 'not-found')).kind).toBe('rejected');
    expect(deleteAnswer({ kind: 'ok', body: {}, requestId: 'r' } as never).kind).toBe('stopped');
    expect(deleteAnswer(err('ResourceNotFound', 'not-found')).kind).toBe('already-gone');
    expect(deleteAnswer(err('InternalError.X', 'internal')).kind).toBe('ambiguous');
    expect(deleteAnswer(err('AuthFailure.X', 'auth')).kind).toBe('rejected');
  });
});
