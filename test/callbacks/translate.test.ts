/** Signatures (the spec's test vectors), the vendor → RecorderEvent tables, and the config's errors. No server needed. */
import { MalformedCallbackError } from '../../src/providers/callback-support';
import { translateAgoraCallback, verifyAgoraSignature } from '../../src/providers/agora/callbacks';
import { translateTrtcCallback, verifyTrtcSignature } from '../../src/providers/trtc/callbacks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCallbacksConfig, parseCallbacksConfig } from '../../src/services/callbacks/config';
import { RecentEvents } from '../../src/services/callbacks/dedupe';
import { agoraBody, agoraHeaders, trtcBody, trtcHeaders, TRTC_APP, TRTC_KEY } from './support';

const buf = (s: string) => Buffer.from(s);

describe('Agora NCS signature (spec §9.5 test vectors)', () => {
  const vectors = [
    {
      body: '{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}',
      sha1: '5a3bb6a6d9fad2ea9ae3fb707a14c9d7f3136df1',
      sha256: 'de96da5acf03b0021ac3b4fa2225e7ae6f3533a30d50bb02c08ea4fa748bda24',
    },
    {
      body: '{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}',
      sha1: '033c62f40f687675f17f0f41f91a40c71c0f134c',
      sha256: '6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99',
    },
  ];

  it.each(vectors)('accepts the published V2 and V1 digests ($sha1)', ({ body, sha1, sha256 }) => {
    expect(verifyAgoraSignature(buf(body), { 'agora-signature-v2': sha256 }, ['other-secret', 'secret'])).toEqual({ ok: true });
    expect(verifyAgoraSignature(buf(body), { 'agora-signature': sha1 }, ['secret'])).toEqual({ ok: true });
    expect(verifyAgoraSignature(buf(body), { 'agora-signature-v2': sha256.toUpperCase() }, ['secret'])).toEqual({ ok: true });
  });

  it('refuses a wrong secret, a changed byte, a missing header, and a forged V2 beside a valid V1', () => {
    const { body, sha1, sha256 } = vectors[0];
    expect(verifyAgoraSignature(buf(body), { 'agora-signature-v2': sha256 }, ['not-it'])).toEqual({ ok: false, reason: 'forged' });
    expect(verifyAgoraSignature(buf(body.replace('"b":2', '"b":3')), { 'agora-signature-v2': sha256 }, ['secret'])).toEqual({ ok: false, reason: 'forged' });
    expect(verifyAgoraSignature(buf(body), {}, ['secret'])).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyAgoraSignature(buf(body), { 'agora-signature-v2': '00'.repeat(32), 'agora-signature': sha1 }, ['secret'])).toEqual({ ok: false, reason: 'forged' });
    expect(verifyAgoraSignature(buf(body), { 'agora-signature-v2': 'zz' }, ['secret'])).toEqual({ ok: false, reason: 'forged' });
  });
});

describe('TRTC Sign (spec §5.2 test vector)', () => {
  const body = '{"EventGroupId":3,"EventType":301,"CallbackTs":1622186275913,"EventInfo":{"RoomId":"1234","EventTs":1622186275,"UserId":"rec_1234","TaskId":"task-abc","Payload":{"Status":0}}}';
  const sign = 'L4slDdpPwN63pjux/SVfFH/GCh3qsEju7+Bw+suBBis=';

  it('accepts the vector with the SdkAppId key', () => {
    expect(verifyTrtcSignature(buf(body), { sign, sdkappid: '1400' }, { '1400': 'abc123KEY' })).toEqual({ ok: true });
  });

  it('refuses another key, an unknown SdkAppId, no Sign, and a decorated Sign', () => {
    expect(verifyTrtcSignature(buf(body), { sign, sdkappid: '1400' }, { '1400': 'abc123KEZ' })).toEqual({ ok: false, reason: 'forged' });
    expect(verifyTrtcSignature(buf(body), { sign, sdkappid: '1401' }, { '1400': 'abc123KEY' })).toEqual({ ok: false, reason: 'unknown-account' });
    expect(verifyTrtcSignature(buf(body), { sign }, { '1400': 'abc123KEY' })).toEqual({ ok: false, reason: 'unknown-account' });
    expect(verifyTrtcSignature(buf(body), { sdkappid: '1400' }, { '1400': 'abc123KEY' })).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyTrtcSignature(buf(body), { sign: `${sign}!!`, sdkappid: '1400' }, { '1400': 'abc123KEY' })).toEqual({ ok: false, reason: 'forged' });
  });

  it('verifies pretty-printed bodies byte for byte', () => {
    const pretty = trtcBody({ taskId: 't', roomId: 1, eventType: 301 });
    const h = Object.fromEntries(Object.entries(trtcHeaders(pretty)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyTrtcSignature(buf(pretty), h, { [TRTC_APP]: TRTC_KEY })).toEqual({ ok: true });
    expect(verifyTrtcSignature(buf(JSON.stringify(JSON.parse(pretty))), h, { [TRTC_APP]: TRTC_KEY })).toEqual({ ok: false, reason: 'forged' });
  });
});

describe('Agora NCS → RecorderEvent (spec §9.4)', () => {
  const translate = (o: Parameters<typeof agoraBody>[0]) => {
    const t = translateAgoraCallback(buf(agoraBody(o)));
    if (t.kind !== 'event') throw new Error(`ignored: ${t.reason}`);
    return t.event;
  };
  const base = { sid: 'sid1', cname: 'math_101' };

  it.each([
    [40, {}, { kind: 'started' }],
    [1, { errorLevel: 5, errorCode: 53, errorMsg: 'x', module: 0 }, { kind: 'fatal' }],
    [1, { errorLevel: 3, errorCode: 53 }, { kind: 'other' }],
    [11, { exitStatus: 1 }, { kind: 'exited', reason: 'x exitStatus 1' }],
    [41, { leaveCode: 4 }, { kind: 'left', reason: 'x leaveCode 4 (no users)' }],
    [12, { newUid: 4000000001 }, { kind: 'failover', newIdentity: '4000000001' }],
    [31, { fileList: [{ fileName: 'a.m3u8', sliceStartTime: 1_700_000_000_000 }] }, { kind: 'upload', upload: { stage: 'storage', state: 'uploaded' }, files: [{ name: 'a.m3u8', startedAt: '2023-11-14T22:13:20.000Z' }] }],
    [32, {}, { kind: 'upload', upload: { stage: 'storage', state: 'backuped' } }],
    [4, { fileList: 'sid1_math_101.m3u8' }, { kind: 'file', files: [{ name: 'sid1_math_101.m3u8' }] }],
    [42, { streamUid: '0', trackType: 2, startUtcMs: 1_700_000_000_000 }, { kind: 'file', at: '2023-11-14T22:13:20.000Z' }],
    [33, { progress: 10000 }, { kind: 'other' }],
  ])('event %i %j', (eventType, details, expected) => {
    const e = translate({ ...base, eventType, sequence: 7, details });
    expect(e).toMatchObject({ provider: 'agora', account: '', recorderId: 'sid1', channel: 'math_101', identity: '3000000001', vendorEvent: String(eventType), eventId: `sid1:${eventType}:7`, ...expected });
    if (!('at' in expected)) expect(e.at).toBe('2023-11-14T22:13:20.123Z');
  });

  it('uses noticeId as the event id when present', () => {
    expect(translate({ ...base, eventType: 40, noticeId: 'n-1' }).eventId).toBe('n-1');
  });

  it('ignores other products and names the missing or wrong field', () => {
    expect(translateAgoraCallback(buf('{"productId":1,"eventType":10,"payload":{}}'))).toEqual({ kind: 'ignored', reason: 'productId 1 is not Cloud Recording' });
    const err = (s: string) => {
      try {
        translateAgoraCallback(buf(s));
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedCallbackError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(err('{"productId":3,"eventType":40,"payload":{"cname":"c","uid":"1","sequence":0,"sendts":1}}')).toMatch(/^payload\.sid: /);
    expect(err(agoraBody({ ...base, eventType: 11, details: {} }))).toMatch(/^payload\.details\.exitStatus: /);
    expect(err('{"productId":"3"}')).toMatch(/productId: .*expected number/);
    expect(err('{not json')).toMatch(/^\(body\): not valid JSON/);
  });
});

describe('TRTC → RecorderEvent (spec §5.4)', () => {
  const translate = (o: Parameters<typeof trtcBody>[0]) => {
    const t = translateTrtcCallback(buf(trtcBody(o)), TRTC_APP);
    if (t.kind !== 'event') throw new Error(`ignored: ${t.reason}`);
    return t.event;
  };
  const base = { taskId: 'task-1', roomId: '635055' };

  it.each([
    [301, { Status: 0 }, { kind: 'started' }],
    [301, { Status: 1 }, { kind: 'start-failed' }],
    [302, { LeaveCode: 100 }, { kind: 'exited', reason: 'LeaveCode 100 (room timed out)' }],
    [302, { LeaveCode: 7 }, { kind: 'exited', reason: 'LeaveCode 7 (undocumented)' }],
    [306, { Status: 0 }, { kind: 'failover' }],
    [305, { Status: 0 }, { kind: 'upload', upload: { stage: 'storage', state: 'uploaded' }, eventId: 'task-1:305:1700000000:0' }],
    [305, { Status: 2 }, { kind: 'upload', upload: { stage: 'storage', state: 'uploaded' } }],
    [305, { Status: 1 }, { kind: 'upload', upload: { stage: 'storage', state: 'backuped' } }],
    [308, { Code: 'InvalidParameter', Message: 'AccessKey invalid' }, { kind: 'other', reason: 'upload error InvalidParameter: AccessKey invalid' }],
    [310, { Status: 0, FileList: ['a.mp4'] }, { kind: 'upload', upload: { stage: 'mp4', state: 'uploaded' }, files: [{ name: 'a.mp4' }] }],
    [310, { Status: 1, FileMessage: [{ FileName: 'b.mp4', StartTimeStamp: 1_700_000_000_000, EndTimeStamp: 1_700_000_060_000 }] }, { upload: { stage: 'mp4', state: 'backuped' }, files: [{ name: 'b.mp4', startedAt: '2023-11-14T22:13:20.000Z', endedAt: '2023-11-14T22:14:20.000Z' }] }],
    [310, { Status: 2 }, { upload: { stage: 'mp4', state: 'failed' } }],
    [312, { Status: 0 }, { kind: 'upload', upload: { stage: 'vod', state: 'uploaded' } }],
    [312, { Status: 1 }, { kind: 'upload', upload: { stage: 'vod', state: 'failed' } }],
    [311, { Status: 0, TencentVod: { UserId: 'u', CacheFile: 'x.mp4', FileId: 'f1', StartTimeStamp: 1_700_000_000_000, EndTimeStamp: 1_700_000_060_000 } }, { kind: 'file', eventId: 'task-1:311:1700000000:x.mp4:u', files: [{ name: 'x.mp4', startedAt: '2023-11-14T22:13:20.000Z', endedAt: '2023-11-14T22:14:20.000Z' }] }],
    [311, { Status: 0, UserId: '', CacheFile: 'y.mp4', BeginTimeStamp: 1_700_000_000, EndTimeStamp: 1_700_000_060 }, { kind: 'file', files: [{ name: 'y.mp4', startedAt: '2023-11-14T22:13:20.000Z', endedAt: '2023-11-14T22:14:20.000Z' }] }],
    [304, { FileList: 'x.m3u8' }, { kind: 'file', files: [{ name: 'x.m3u8' }] }],
    [307, { FileName: 'y.m3u8', UserId: 'u1', TrackType: 'audio', BeginTimeStamp: 1_700_000_000_000 }, { kind: 'file', files: [{ name: 'y.m3u8', startedAt: '2023-11-14T22:13:20.000Z' }] }],
    [303, { Status: 0 }, { kind: 'other' }],
    [309, { Url: 'http://x' }, { kind: 'other' }],
  ])('event %i %j', (eventType, payload, expected) => {
    const e = translate({ ...base, eventType, payload });
    expect(e).toMatchObject({ provider: 'trtc', account: TRTC_APP, recorderId: 'task-1', channel: '635055', identity: 'recorder_abc_0', vendorEvent: String(eventType), at: '2023-11-14T22:13:20.000Z', ...expected });
    expect(e.eventId.startsWith(`task-1:${eventType}:1700000000`)).toBe(true);
  });

  it('accepts RoomId and EventTs as numbers or strings, and prefers EventMsTs', () => {
    expect(translate({ ...base, roomId: 635055, eventTs: '1700000000', eventType: 301 })).toMatchObject({ channel: '635055', at: '2023-11-14T22:13:20.000Z' });
    const t = translateTrtcCallback(buf('{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":"r","EventTs":1700000000,"EventMsTs":"1700000000456","TaskId":"t","Payload":{"Status":0}}}'), '1');
    expect(t).toMatchObject({ event: { eventId: 't:301:1700000000456', at: '2023-11-14T22:13:20.456Z' } });
  });

  it('ignores other event groups and names the bad field', () => {
    expect(translateTrtcCallback(buf('{"EventGroupId":8,"EventType":801,"EventInfo":{}}'), '1')).toMatchObject({ kind: 'ignored' });
    const err = (s: string) => {
      try {
        translateTrtcCallback(buf(s), '1');
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(err('{"EventGroupId":3,"EventType":302,"EventInfo":{"RoomId":"r","EventTs":"soon","TaskId":"t","Payload":{}}}')).toMatch(/^EventInfo\.EventTs: must be a number or a string of digits/);
    expect(err('{"EventGroupId":3,"EventType":302,"EventInfo":{"RoomId":"r","EventTs":1,"TaskId":"t","Payload":{}}}')).toMatch(/^EventInfo\.Payload\.LeaveCode: /);
    expect(err('{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":"r","EventTs":1,"Payload":{"Status":0}}}')).toMatch(/^EventInfo\.TaskId: /);
  });
});

describe('receiver configuration', () => {
  it('reads secrets from the environment and applies the vendors\' deadlines as defaults', () => {
    const c = parseCallbacksConfig({ agora: { secrets: { main: 'env:NCS' } } }, { NCS: 's3cret', TRTC_CALLBACK_KEY_1400188366: 'Key1', CALLBACKS_PORT: '9000' });
    expect(c).toMatchObject({ port: 9000, agora: { secrets: { main: 's3cret' }, answerWithinMs: 10_000 }, trtc: { apps: { '1400188366': { callbackKey: 'Key1' } }, answerWithinMs: 5_000 } });
  });

  it('loads a YAML file named by CALLBACKS_CONFIG, and names an unreadable one', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'callbacks-')), 'c.yaml');
    fs.writeFileSync(file, 'agora:\n  secrets:\n    eu: env:NCS_EU\n  visibilityWaitMs: 4000\n');
    expect(loadCallbacksConfig({ CALLBACKS_CONFIG: file, NCS_EU: 'eu-secret' }).agora).toMatchObject({ secrets: { eu: 'eu-secret' }, visibilityWaitMs: 4000 });
    fs.writeFileSync(file, 'agora: [unclosed\n');
    expect(() => loadCallbacksConfig({ CALLBACKS_CONFIG: file })).toThrow(/^CALLBACKS_CONFIG: .* is not valid YAML or JSON/);
    expect(() => loadCallbacksConfig({ CALLBACKS_CONFIG: `${file}.missing` })).toThrow(/^CALLBACKS_CONFIG: cannot read/);
  });

  it('names the bad field', () => {
    expect(() => parseCallbacksConfig({})).toThrow(/agora: configure at least one provider/);
    expect(() => parseCallbacksConfig({ trtc: { apps: { '1400': { callbackKey: 'has-dash' } } } })).toThrow(/trtc\.apps\.1400\.callbackKey: letters and digits only/);
    expect(() => parseCallbacksConfig({ trtc: { apps: { '1400': { callbackKey: 'k' } }, visibilityWaitMs: 4_500 } })).toThrow(/trtc\.visibilityWaitMs: must leave time/);
    expect(() => parseCallbacksConfig({ agora: { secrets: { main: 'env:NOPE' } } }, {})).toThrow(/agora\.secrets\.main: environment variable NOPE is not set/);
  });
});

describe('dedupe cache', () => {
  it('keeps at most its capacity, forgetting the least recently seen', () => {
    const r = new RecentEvents(2);
    r.add('a');
    r.add('b');
    expect(r.has('a')).toBe(true);
    r.add('c');
    expect([r.has('a'), r.has('b'), r.has('c'), r.size]).toEqual([true, false, true, 2]);
  });
});

// Keep the helper honest: its headers are what the verifier reads.
test('agora test bodies carry valid signatures', () => {
  const body = agoraBody({ sid: 's', cname: 'c', eventType: 40 });
  const h = Object.fromEntries(Object.entries(agoraHeaders(body)).map(([k, v]) => [k.toLowerCase(), v]));
  expect(verifyAgoraSignature(buf(body), h, ['ncs-secret-Qw3Er5Ty7'])).toEqual({ ok: true });
});
