import { createHash } from 'node:crypto';
import { tc3Signature } from '../../../src/emulator/trtc/tc3';
import { APP, COS, createBody, uniqueRoom, useTrtcEmulator } from './support';

const ctx = useTrtcEmulator();
const err = (r: any) => r.Error?.Code;

test('TC3 signer matches the spec §1.3 test vector', () => {
  const body = '{"SdkAppId":1400000000,"TaskId":"task-abc"}';
  const payloadHash = createHash('sha256').update(body).digest('hex');
  expect(payloadHash).toBe('d56b6480c50a6e35983755dd57210df6a0f0882b7442be80226156889f58c773');
  const sig = tc3Signature('EXAMPLEKEY', {
    date: '2023-11-14',
    service: 'trtc',
    timestamp: '1700000000',
    canonicalHeaders: 'content-type:application/json\nhost:trtc.tencentcloudapi.com\n',
    signedHeaders: 'content-type;host',
    payloadHash,
  });
  expect(sig).toBe('965e0f732d0b783d9eb92c25b4f14fa78cc6a308fb86f975e661dd99d2619e73');
});

describe('envelope and gateway checks', () => {
  test('success: HTTP 200 {"Response":{TaskId, RequestId}}', async () => {
    const a = await ctx.c.raw('CreateCloudRecording', createBody(uniqueRoom()));
    expect(a.httpStatus).toBe(200);
    expect(Object.keys(a.body)).toEqual(['Response']);
    expect(a.body.Response.TaskId).toMatch(/^[A-Za-z0-9+\-.]+$/);
    expect(a.body.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('errors are HTTP 200 with Response.Error and a RequestId', async () => {
    const a = await ctx.c.raw('DescribeCloudRecording', { SdkAppId: APP, TaskId: 'nope' });
    expect(a.httpStatus).toBe(200);
    expect(a.body.Response.Error).toEqual({ Code: 'ResourceNotFound', Message: expect.stringContaining('nope') });
    expect(a.body.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([
    ['no action', { 'X-TC-Action': undefined }, 'MissingParameter'],
    ['unknown action', { 'X-TC-Action': 'StartMCUMixTranscode' }, 'InvalidAction'],
    ['wrong version', { 'X-TC-Version': '2017-03-12' }, 'NoSuchVersion'],
    ['no region', { 'X-TC-Region': undefined }, 'MissingParameter'],
    ['unsupported region', { 'X-TC-Region': 'eu-frankfurt' }, 'UnsupportedRegion'],
    ['no authorization', { Authorization: undefined }, 'AuthFailure.InvalidAuthorization'],
    ['garbled authorization', { Authorization: 'Basic abc' }, 'AuthFailure.InvalidAuthorization'],
    ['form content type', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'InvalidRequest'],
  ])('%s %j → %s', async (_name, headers, code) => {
    const a = await ctx.c.raw('DescribeCloudRecording', { SdkAppId: APP, TaskId: 't' }, { headers });
    expect([a.httpStatus, err(a.body.Response)]).toEqual([200, code]);
  });

  test('auth: wrong key → SignatureFailure, old timestamp → SignatureExpire, unknown SecretId → SecretIdNotFound', async () => {
    const body = { SdkAppId: APP, TaskId: 't' };
    expect(err((await ctx.c.raw('DescribeCloudRecording', body, { secretKey: 'forged' })).body.Response)).toBe('AuthFailure.SignatureFailure');
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(err((await ctx.c.raw('DescribeCloudRecording', body, { ts: old })).body.Response)).toBe('AuthFailure.SignatureExpire');
    const a = await ctx.c.raw('DescribeCloudRecording', body);
    expect(err(a.body.Response)).toBe('ResourceNotFound'); // the genuine request passes auth
    const other = await fetch(ctx.emu.baseUrl + '/', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-TC-Action': 'DescribeCloudRecording',
        'X-TC-Version': '2019-07-22',
        'X-TC-Region': 'ap-guangzhou',
        'X-TC-Timestamp': String(Math.floor(Date.now() / 1000)),
        Authorization: `TC3-HMAC-SHA256 Credential=AKIDnobody/${new Date().toISOString().slice(0, 10)}/trtc/tc3_request, SignedHeaders=content-type;host, Signature=${'0'.repeat(64)}`,
      },
      body: JSON.stringify(body),
    });
    expect(((await other.json()) as any).Response.Error.Code).toBe('AuthFailure.SecretIdNotFound');
  });

  test('a body altered after signing fails the signature', async () => {
    const a = await ctx.c.raw('DescribeCloudRecording', null, { text: `{"SdkAppId":${APP},"TaskId":"x"}`, sendText: `{"SdkAppId":${APP},"TaskId":"y"}` });
    expect(err(a.body.Response)).toBe('AuthFailure.SignatureFailure');
  });

  test('non-JSON body → InvalidParameter; other paths → 404 envelope', async () => {
    expect(err((await ctx.c.raw('DescribeCloudRecording', null, { text: '{nope' })).body.Response)).toBe('InvalidParameter');
    const r = await fetch(ctx.emu.baseUrl + '/v1/x', { method: 'POST', body: '{}' });
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).Response.Error.Code).toBe('InvalidRequest');
  });
});

describe('CreateCloudRecording validation', () => {
  const create = (body: unknown) => ctx.c.call('CreateCloudRecording', body);
  const without = (key: string) => {
    const b: Record<string, unknown> = createBody(uniqueRoom());
    delete b[key];
    return b;
  };

  test.each([
    ['SdkAppId', 'MissingParameter.SdkAppId'],
    ['RoomId', 'MissingParameter.RoomId'],
    ['UserId', 'MissingParameter.UserId'],
    ['UserSig', 'MissingParameter.UserSig'],
    ['RecordParams', 'MissingParameter.RecordParams'],
    ['StorageParams', 'MissingParameter.StorageParams'],
  ])('missing %s → %s, naming the field', async (key, code) => {
    const r = await create(without(key));
    expect(r.Error.Code).toBe(code);
    expect(r.Error.Message).toContain(key);
  });

  test.each([
    ['RecordMode', { RecordParams: { MaxIdleTime: 5 } }, 'MissingParameter.RecordMode'],
    ['CloudStorage', { StorageParams: {} }, 'MissingParameter.CloudStorage'],
    ['Vendor', { StorageParams: { CloudStorage: { ...COS, Vendor: undefined } } }, 'MissingParameter.Vendor'],
    ['Bucket', { StorageParams: { CloudStorage: { ...COS, Bucket: undefined } } }, 'MissingParameter.Bucket'],
    ['AccessKey', { StorageParams: { CloudStorage: { ...COS, AccessKey: '' } } }, 'MissingParameter.AccessKey'],
    ['SecretKey', { StorageParams: { CloudStorage: { ...COS, SecretKey: undefined } } }, 'MissingParameter.SecretKey'],
    ['Region', { StorageParams: { CloudStorage: { ...COS, Region: undefined } } }, 'MissingParameter.Region'],
  ])('nested missing %s → its code', async (_k, patch, code) => {
    const r = await create({ ...createBody(uniqueRoom()), ...JSON.parse(JSON.stringify(patch)) });
    expect(r.Error.Code).toBe(code);
  });

  test.each([
    ['MaxIdleTime 4', { RecordParams: { RecordMode: 1, MaxIdleTime: 4 } }, 'InvalidParameter.OutOfRange', 'RecordParams.MaxIdleTime'],
    ['RecordMode 3', { RecordParams: { RecordMode: 3 } }, 'InvalidParameter.OutOfRange', 'RecordParams.RecordMode'],
    ['ResourceExpiredHour 5', { ResourceExpiredHour: 5 }, 'InvalidParameter.OutOfRange', 'ResourceExpiredHour'],
    ['ResourceExpiredHour 721', { ResourceExpiredHour: 721 }, 'InvalidParameter.OutOfRange', 'ResourceExpiredHour'],
    ['SdkAppId as string', { SdkAppId: '1400188366' }, 'InvalidParameter.SdkAppId', 'SdkAppId'],
    ['string room with RoomIdType 1', { RoomId: 'room-a' }, 'InvalidParameter', 'RoomId'],
    ['UserId with a dot', { UserId: 'rec.1' }, 'InvalidParameter', 'UserId'],
    ['both storages', { StorageParams: { CloudStorage: COS, CloudVod: {} } }, 'InvalidParameter', 'StorageParams'],
    ['allow and deny audio', { RecordParams: { RecordMode: 1, SubscribeStreamUserIds: { SubscribeAudioUserIds: ['a'], UnSubscribeAudioUserIds: ['b'] } } }, 'InvalidParameter', 'SubscribeAudioUserIds'],
    ['33 UserIds', { RecordParams: { RecordMode: 1, SubscribeStreamUserIds: { SubscribeVideoUserIds: Array.from({ length: 33 }, (_, i) => `u${i}`) } } }, 'InvalidParameter.OutOfRange', 'SubscribeVideoUserIds'],
    ['bad prefix char', { StorageParams: { CloudStorage: { ...COS, FileNamePrefix: ['a/b'] } } }, 'InvalidParameter', 'FileNamePrefix[0]'],
    ['partial VideoParams', { MixTranscodeParams: { VideoParams: { Width: 640 } } }, 'MissingParameter', 'VideoParams.Height'],
    ['layout mode 5', { MixLayoutParams: { MixLayoutMode: 5 } }, 'InvalidParameter.OutOfRange', 'MixLayoutMode'],
    ['unknown top-level field', { Extra: 1 }, 'UnknownParameter', 'Extra'],
    ['case matters', { sdkAppId: APP }, 'UnknownParameter', 'sdkAppId'],
  ])('%s %j → %s naming %s', async (_n, patch, code, field) => {
    const r = await create({ ...createBody(uniqueRoom()), ...patch });
    expect(r.Error.Code).toBe(code);
    expect(r.Error.Message).toContain(field);
  });

  test('string rooms need RoomIdType 0; VOD needs no CloudStorage fields', async () => {
    expect((await create({ ...createBody('room-a'), RoomIdType: 0 })).TaskId).toBeDefined();
    expect((await create({ ...createBody(uniqueRoom()), StorageParams: { CloudVod: { TencentVod: { ExpireTime: 0 } } } })).TaskId).toBeDefined();
  });

  test('an invalid SdkAppId (control API) → InvalidParameter.SdkAppId on every action', async () => {
    await ctx.c.control('POST', `/__emulator/apps/${APP}/invalid`);
    expect((await create(createBody(uniqueRoom()))).Error.Code).toBe('InvalidParameter.SdkAppId');
    expect((await ctx.c.describe('x')).Error.Code).toBe('InvalidParameter.SdkAppId');
    await ctx.c.control('DELETE', `/__emulator/apps/${APP}/invalid`);
    expect((await create(createBody(uniqueRoom()))).TaskId).toBeDefined();
  });

  test('Describe/Modify/Delete: missing TaskId → MissingParameter.TaskId; unknown field → UnknownParameter', async () => {
    for (const a of ['DescribeCloudRecording', 'ModifyCloudRecording', 'DeleteCloudRecording']) {
      expect((await ctx.c.call(a, { SdkAppId: APP })).Error.Code).toBe('MissingParameter.TaskId');
      expect((await ctx.c.call(a, { TaskId: 'x' })).Error.Code).toBe('MissingParameter.SdkAppId');
      expect((await ctx.c.call(a, { SdkAppId: APP, TaskId: 'x', RoomId: '1' })).Error.Code).toBe('UnknownParameter');
    }
  });
});
