/**
 * Pure unit tests for the recording input schema (src/providers/agora/request.ts, composed in src/providers/catalog.ts): defaults, and that
 * every rejection names the field it is about.
 */
import { z } from 'zod';
import { InvalidInputError, formatIssues, parseOrThrow } from '../../src/contract/request';
import { layoutSchema, subscriptionsSchema, type AgoraRecordingInput } from '../../src/providers/agora/request';
import { recordingRequestSchema as recordingInputSchema } from '../../src/providers/catalog';

const base = { recordingId: 'rec-1', appId: '0123456789abcdef0123456789abcdef', channel: 'room-1' };

/** The InvalidInputError's message, or fails the test if the value parsed. */
function rejectMessage(schema: z.ZodType, value: unknown): string {
  try {
    parseOrThrow(schema, value);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

const reject = (value: unknown) => rejectMessage(recordingInputSchema, value);

describe('recordingInputSchema defaults', () => {
  it('fills in mode, maxIdleTime, avFileType, storageProfile, resourceExpiredHour', () => {
    const v = <AgoraRecordingInput>parseOrThrow(recordingInputSchema, base);
    expect(v.mode).toBe('mix');
    expect(v.provider).toBe('agora');
    expect(v.recordingConfig.maxIdleTime).toBe(300);
    expect(v.recordingConfig.channelType).toBe(0);
    expect(v.recordingConfig.streamTypes).toBe(2);
    expect(v.avFileType).toEqual(['hls']);
    expect(v.storageProfile).toBe('default');
    expect(v.resourceExpiredHour).toBe(72);
    expect(v.identities).toBeUndefined();
  });

  it('applies the maxIdleTime default inside a partly given recordingConfig', () => {
    const v = <AgoraRecordingInput>parseOrThrow(recordingInputSchema, { ...base, recordingConfig: { streamTypes: 0 } });
    expect(v.recordingConfig).toEqual({ channelType: 0, streamTypes: 0, maxIdleTime: 300 });
  });

  it('keeps given values', () => {
    const v = <AgoraRecordingInput>parseOrThrow(recordingInputSchema, {
      ...base,
      mode: 'individual',
      recordingConfig: { maxIdleTime: 600, subscribeUidGroup: 0 },
      avFileType: ['hls', 'mp4'],
      storageProfile: 'eu',
      resourceExpiredHour: 24,
      identities: ['111', '222'],
    });
    expect(v.mode).toBe('individual');
    expect(v.recordingConfig.maxIdleTime).toBe(600);
    expect(v.avFileType).toEqual(['hls', 'mp4']);
    expect(v.storageProfile).toBe('eu');
    expect(v.resourceExpiredHour).toBe(24);
    expect(v.identities).toEqual(['111', '222']);
  });

  it('fills in webRecorder defaults in web mode, where the channel is only a label', () => {
    const v = <AgoraRecordingInput>parseOrThrow(recordingInputSchema, { ...base, mode: 'web', channel: 'any/label with é', webRecorder: { url: 'https://example.com/page' } });
    expect(v.webRecorder).toEqual({ url: 'https://example.com/page', audioProfile: 0, videoWidth: 1280, videoHeight: 720, maxRecordingHour: 72 });
  });
});

describe('recordingInputSchema errors name the field', () => {
  it('missing channel', () => {
    expect(reject({ recordingId: 'r', appId: 'abc' })).toMatch(/channel: /);
  });

  it('empty channel', () => {
    expect(reject({ ...base, channel: '' })).toMatch(/channel: /);
  });

  it('channel of 64 bytes is rejected, 63 accepted (spec §10: shorter than 64 bytes)', () => {
    expect(reject({ ...base, channel: 'a'.repeat(64) })).toMatch(/channel: must be shorter than 64 bytes/);
    expect(() => parseOrThrow(recordingInputSchema, { ...base, channel: 'a'.repeat(63) })).not.toThrow();
  });

  it.each(['a/b', 'a*b', 'a"b', "a'b", 'a\\b', 'é', 'a\nb'])('channel with forbidden character %j', (channel) => {
    expect(reject({ ...base, channel })).toMatch(/channel: has a character outside the 89/);
  });

  it('channel with every allowed special character is accepted', () => {
    expect(() => parseOrThrow(recordingInputSchema, { ...base, channel: ' !#$%&()+-:;<=.>?@[]^_{}|~,' })).not.toThrow();
  });

  it('web mode channel over 1024 bytes', () => {
    expect(reject({ ...base, mode: 'web', channel: 'a'.repeat(1025), webRecorder: { url: 'https://x.example' } })).toMatch(/channel: at most 1024 bytes in web mode/);
  });

  it('missing / bad appId', () => {
    expect(reject({ recordingId: 'r', channel: 'c' })).toMatch(/appId: /);
    expect(reject({ ...base, appId: 'not-an-app-id!' })).toMatch(/appId: must be the App ID/);
  });

  it('bad recordingId', () => {
    expect(reject({ ...base, recordingId: 'has space' })).toMatch(/recordingId: /);
    expect(reject({ ...base, recordingId: '' })).toMatch(/recordingId: /);
  });

  it('identities: must all differ, and at least 2', () => {
    expect(reject({ ...base, identities: ['5', '5'] })).toMatch(/identities: must all differ/);
    expect(reject({ ...base, identities: ['5'] })).toMatch(/identities: needs at least 2 identities/);
  });

  it.each<[unknown, RegExp]>([
    ['0', /identities\.0: must be a string of an integer in 1\.\.4294967295/],
    ['abc', /identities\.0: must be a string of an integer/],
    ['4294967296', /identities\.0: must be a string of an integer/],
    [1234, /identities\.0: must be a string holding an integer uid/],
  ])('bad uid %j', (primary, re) => {
    expect(reject({ ...base, identities: [primary, '2'] })).toMatch(re);
  });

  it('individual mode requires recordingConfig.subscribeUidGroup', () => {
    expect(reject({ ...base, mode: 'individual' })).toMatch(/recordingConfig\.subscribeUidGroup: required in individual mode/);
    expect(() => parseOrThrow(recordingInputSchema, { ...base, mode: 'individual', recordingConfig: { subscribeUidGroup: 0 } })).not.toThrow();
  });

  it('layout is only for mix mode', () => {
    expect(reject({ ...base, mode: 'individual', recordingConfig: { subscribeUidGroup: 0 }, layout: { mixedVideoLayout: 1 } })).toMatch(/layout: layouts apply to mix mode only/);
    expect(() => parseOrThrow(recordingInputSchema, { ...base, layout: { mixedVideoLayout: 1 } })).not.toThrow();
  });

  it('web mode requires webRecorder', () => {
    expect(reject({ ...base, mode: 'web' })).toMatch(/webRecorder: required in web mode/);
  });

  it('avFileType ["mp4"] alone is an error', () => {
    expect(reject({ ...base, avFileType: ['mp4'] })).toMatch(/avFileType: must include "hls"/);
  });

  it('maxIdleTime out of range', () => {
    expect(reject({ ...base, recordingConfig: { maxIdleTime: 4 } })).toMatch(/recordingConfig\.maxIdleTime: /);
  });

  it('unknown mode', () => {
    expect(reject({ ...base, mode: 'composite' })).toMatch(/mode: /);
  });

  it('an unknown top-level field is rejected (strict)', () => {
    expect(reject({ ...base, extra: 1 })).toMatch(/Unrecognized key.*"extra"/);
  });

  it('an unknown field inside recordingConfig is rejected, naming its parent', () => {
    expect(reject({ ...base, recordingConfig: { decryptionKey: 'k' } })).toMatch(/recordingConfig: Unrecognized key.*"decryptionKey"/);
  });

  it.each<[string, Record<string, unknown>]>([
    ['customerSecret', { customerSecret: 'shh' }],
    ['token', { token: 'tok' }],
    ['storage', { storage: { secretKey: 'shh', accessKey: 'ak' } }],
    ['storageConfig', { storageConfig: { secretKey: 'shh' } }],
  ])('has no secret-like field: %s is rejected as unknown', (key, extra) => {
    expect(reject({ ...base, ...extra })).toMatch(new RegExp(`Unrecognized key.*"${key}"`));
  });

  it('an invalid timings override names the timing', () => {
    expect(reject({ ...base, timings: { monitorIntervalMs: -1 } })).toMatch(/timings\.monitorIntervalMs: /);
    expect(reject({ ...base, timings: { bogus: 1 } })).toMatch(/timings: Unrecognized key.*"bogus"; valid keys: startRetryDelaysMs, acquireRetryDelaysMs, .*, activityScheduleTimeoutMs, .*notificationDeadlineMs$/);
  });

  it('lists several problems, each with its field', () => {
    const m = reject({ recordingId: 'r', appId: '!!', channel: 'a/b', avFileType: ['mp4'] });
    expect(m).toMatch(/appId: /);
    expect(m).toMatch(/avFileType: /);
    expect(m.split('; ').length).toBeGreaterThanOrEqual(2);
  });
});

describe('subscriptionsSchema', () => {
  it('accepts up to 32 uids and #allstream#', () => {
    const uids = Array.from({ length: 32 }, (_, i) => String(i + 1));
    expect(parseOrThrow(subscriptionsSchema, { subscribeAudioUids: uids }).subscribeAudioUids).toHaveLength(32);
    expect(parseOrThrow(subscriptionsSchema, { subscribeVideoUids: ['#allstream#'] })).toEqual({ subscribeVideoUids: ['#allstream#'] });
  });

  it('rejects 33 uids', () => {
    const uids = Array.from({ length: 33 }, (_, i) => String(i + 1));
    expect(rejectMessage(subscriptionsSchema, { subscribeAudioUids: uids })).toMatch(/subscribeAudioUids: at most 32 uids/);
  });

  it('rejects an invalid uid in the list, naming its index', () => {
    expect(rejectMessage(subscriptionsSchema, { subscribeAudioUids: ['1', '0'] })).toMatch(/subscribeAudioUids\.1: /);
    expect(rejectMessage(subscriptionsSchema, { subscribeAudioUids: ['#all#'] })).toMatch(/subscribeAudioUids\.0: /);
  });

  it('rejects subscribe and unsubscribe of the same kind together', () => {
    expect(rejectMessage(subscriptionsSchema, { subscribeAudioUids: ['1'], unsubscribeAudioUids: ['2'] })).toMatch(
      /unsubscribeAudioUids: subscribeAudioUids and unsubscribeAudioUids cannot be used together/,
    );
    expect(rejectMessage(subscriptionsSchema, { subscribeVideoUids: ['1'], unsubscribeVideoUids: ['2'] })).toMatch(
      /unsubscribeVideoUids: subscribeVideoUids and unsubscribeVideoUids cannot be used together/,
    );
  });

  it('allows subscribing audio and unsubscribing video', () => {
    expect(() => parseOrThrow(subscriptionsSchema, { subscribeAudioUids: ['1'], unsubscribeVideoUids: ['2'] })).not.toThrow();
  });

  it('prefixes the field path when nested in a recording input', () => {
    expect(reject({ ...base, subscriptions: { subscribeAudioUids: [] } })).toMatch(/subscriptions\.subscribeAudioUids: /);
  });
});

describe('layoutSchema', () => {
  const win = { x_axis: 0, y_axis: 0, width: 0.5, height: 0.5 };

  it('accepts a simple layout', () => {
    expect(parseOrThrow(layoutSchema, { mixedVideoLayout: 1, backgroundColor: '#00ff00' })).toEqual({ mixedVideoLayout: 1, backgroundColor: '#00ff00' });
  });

  it('layout 3 (custom) needs layoutConfig', () => {
    expect(rejectMessage(layoutSchema, { mixedVideoLayout: 3 })).toMatch(/layoutConfig: layout 3 \(custom\) needs layoutConfig/);
    expect(rejectMessage(layoutSchema, { mixedVideoLayout: 3, layoutConfig: [] })).toMatch(/layoutConfig: layout 3/);
    expect(() => parseOrThrow(layoutSchema, { mixedVideoLayout: 3, layoutConfig: [win] })).not.toThrow();
  });

  it('layout 2 (vertical) needs maxResolutionUid', () => {
    expect(rejectMessage(layoutSchema, { mixedVideoLayout: 2 })).toMatch(/maxResolutionUid: layout 2 \(vertical\) needs maxResolutionUid/);
    expect(() => parseOrThrow(layoutSchema, { mixedVideoLayout: 2, maxResolutionUid: '42' })).not.toThrow();
  });

  it('colour must be #RRGGBB', () => {
    for (const c of ['red', '#fff', '#GGGGGG', '00ff00', '#00ff001'])
      expect(rejectMessage(layoutSchema, { mixedVideoLayout: 0, backgroundColor: c })).toMatch(/backgroundColor: must be #RRGGBB/);
  });

  it('at most 17 windows', () => {
    expect(() => parseOrThrow(layoutSchema, { mixedVideoLayout: 3, layoutConfig: Array(17).fill(win) })).not.toThrow();
    expect(rejectMessage(layoutSchema, { mixedVideoLayout: 3, layoutConfig: Array(18).fill(win) })).toMatch(/layoutConfig: at most 17 windows/);
  });

  it('window coordinates are in 0..1, with the index in the path', () => {
    expect(rejectMessage(layoutSchema, { mixedVideoLayout: 3, layoutConfig: [win, { ...win, width: 1.5 }] })).toMatch(/layoutConfig\.1\.width: /);
  });

  it('background images must be https', () => {
    expect(rejectMessage(layoutSchema, { mixedVideoLayout: 0, backgroundImage: 'http://x.example/a.png' })).toMatch(/backgroundImage: /);
  });

  it('unknown layout number is rejected', () => {
    expect(rejectMessage(layoutSchema, { mixedVideoLayout: 4 })).toMatch(/mixedVideoLayout: /);
  });
});

describe('formatIssues / parseOrThrow', () => {
  it('joins the prefix with the path and uses (input) for root issues', () => {
    const r = z.strictObject({ a: z.number() }).safeParse({ a: 'x', b: 1 });
    expect(r.success).toBe(false);
    const text = formatIssues(r.error!, 'req');
    expect(text).toMatch(/^req\.a: /);
    expect(text).toMatch(/; req: Unrecognized key/);
    expect(formatIssues(r.error!)).toMatch(/\(input\): Unrecognized key/);
  });

  it('parseOrThrow throws InvalidInputError carrying the issues and applies the prefix', () => {
    try {
      parseOrThrow(layoutSchema, { mixedVideoLayout: 2 }, 'layout');
      throw new Error('not rejected');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as InvalidInputError).name).toBe('InvalidInputError');
      expect((e as InvalidInputError).issues).toMatch(/^layout\.maxResolutionUid: /);
      expect((e as InvalidInputError).message).toBe(`invalid input: ${(e as InvalidInputError).issues}`);
    }
  });
});
