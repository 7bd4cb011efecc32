import { MockAgent } from 'undici';
import {
  AgoraClient,
  describeOutcome,
  serverResponseView,
  type AgoraClientConfig,
  type AgoraOutcome,
  type StartClientRequest,
} from '../../../src/providers/agora';
import { stopAnswer } from '../../../src/providers/agora/answers';

const P = 'https://primary.test';
const A = 'https://alternate.test';
const CID = 'unit-customer-id';
const SECRET = 'unit-customer-secret-XYZ';
const BASIC = Buffer.from(`${CID}:${SECRET}`).toString('base64');
const STORAGE_SECRET = 'storage-secret-key-123';
const STORAGE_ACCESS = 'storage-access-key-456';
const STS = 'sts-token-789';
const RTC_TOKEN = '007eJxTYrtc-rtc-token';
const ALL_SECRETS = [SECRET, BASIC, STORAGE_SECRET, STORAGE_ACCESS, STS, RTC_TOKEN];

const APP = 'app1';
const RID = 'rid-1';
const SID = 'sid-1';
const acquirePath = `/v1/apps/${APP}/cloud_recording/acquire`;
const taskPath = (action: string, mode = 'mix') =>
  `/v1/apps/${APP}/cloud_recording/resourceid/${RID}/sid/${SID}/mode/${mode}/${action}`;
const startPath = `/v1/apps/${APP}/cloud_recording/resourceid/${RID}/mode/mix/start`;
const JSON_HDR = { headers: { 'content-type': 'application/json' } };

const startClientRequest: StartClientRequest = {
  token: RTC_TOKEN,
  storageConfig: { vendor: 1, region: 0, bucket: 'b', accessKey: STORAGE_ACCESS, secretKey: STORAGE_SECRET, stsToken: STS },
  recordingConfig: { channelType: 0, streamTypes: 2, subscribeUidGroup: 0 },
};

let mock: MockAgent;
let logs: unknown[];

function client(extra: Partial<AgoraClientConfig> = {}): AgoraClient {
  const logger = { warn: (o: object) => logs.push(o) };
  return new AgoraClient({ baseUrls: [P, A], customerId: CID, customerSecret: SECRET, dispatcher: mock, logger, ...extra });
}

beforeEach(() => {
  mock = new MockAgent();
  mock.disableNetConnect();
  logs = [];
});
afterEach(async () => {
  await mock.close();
});

/** Every outcome must survive Temporal's JSON payload converter unchanged and hold no secret. */
function assertSafe(o: unknown): void {
  expect(JSON.parse(JSON.stringify(o))).toEqual(o);
  const text = JSON.stringify(o) + JSON.stringify(logs);
  for (const s of ALL_SECRETS) expect(text).not.toContain(s);
}

const reply = (status: number, body: unknown, path: string | RegExp = /.*/, method = 'POST', origin = P) =>
  mock
    .get(origin)
    .intercept({ path, method })
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body), JSON_HDR);

const acquire = (c: AgoraClient) => c.acquire(APP, { cname: 'room1', uid: '527841', clientRequest: {} });
const query = (c: AgoraClient) => c.query(APP, RID, SID, 'mix');
const stop = (c: AgoraClient, async_stop?: boolean) =>
  c.stop(APP, RID, SID, 'mix', { cname: 'room1', uid: '527841', clientRequest: async_stop === undefined ? undefined : { async_stop } });

describe('request shape', () => {
  test('Basic auth, content type, methods and paths for every endpoint', async () => {
    const seen: Array<{ method: string; path: string; headers: Record<string, string>; body?: string }> = [];
    mock
      .get(P)
      .intercept({ path: /.*/, method: /.*/ })
      .reply((opts) => {
        seen.push({ method: opts.method, path: opts.path, headers: opts.headers as Record<string, string>, body: opts.body as string | undefined });
        return { statusCode: 200, data: JSON.stringify({ resourceId: RID, sid: SID, serverResponse: {} }) };
      })
      .persist();
    const c = client();
    const body = { cname: 'room1', uid: '527841', clientRequest: {} };
    expect((await acquire(c)).kind).toBe('ok');
    expect((await c.start(APP, RID, 'mix', { cname: 'room1', uid: '527841', clientRequest: startClientRequest })).kind).toBe('ok');
    expect((await query(c)).kind).toBe('ok');
    expect((await c.update(APP, RID, SID, 'individual', body)).kind).toBe('ok');
    expect((await c.updateLayout(APP, RID, SID, { ...body, clientRequest: { mixedVideoLayout: 1 } })).kind).toBe('ok');
    expect((await stop(c)).kind).toBe('ok');

    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `POST ${acquirePath}`,
      `POST ${startPath}`,
      `GET ${taskPath('query')}`,
      `POST ${taskPath('update', 'individual')}`,
      `POST ${taskPath('updateLayout')}`,
      `POST ${taskPath('stop')}`,
    ]);
    for (const s of seen) expect(s.headers.authorization).toBe(`Basic ${BASIC}`);
    for (const s of seen.filter((x) => x.method === 'POST')) expect(s.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(seen[2].body ?? undefined).toBeUndefined();
    // Older docs send `clientRequest: {}` on stop; the client fills it in.
    expect(JSON.parse(seen[5].body!)).toEqual({ cname: 'room1', uid: '527841', clientRequest: {} });
  });

  test('sends the caller body unchanged (both unsubscribe spellings, unknown fields)', async () => {
    let sent = '';
    mock
      .get(P)
      .intercept({ path: taskPath('update'), method: 'POST' })
      .reply((opts) => {
        sent = opts.body as string;
        return { statusCode: 200, data: '{}' };
      });
    const body = {
      cname: 'room1',
      uid: '527841',
      clientRequest: {
        streamSubscribe: {
          audioUidList: { unsubscribeAudioUids: ['1'] },
          videoUidList: { unSubscribeVideoUids: ['2'] },
        },
        futureField: { x: 1 },
      },
    };
    const o = await client().update(APP, RID, SID, 'mix', body);
    expect(o.kind).toBe('ok');
    expect(JSON.parse(sent)).toEqual(body);
  });

  test('base URL path prefix is kept; host is the origin only', async () => {
    reply(200, { resourceId: RID }, `/agora${acquirePath}`);
    const o = await acquire(client({ baseUrls: [`${P}/agora/`] }));
    expect(o).toMatchObject({ kind: 'ok', host: P });
  });

  test('rejects base URLs with credentials without echoing them', () => {
    expect(() => client({ baseUrls: [`https://user:${SECRET}@primary.test`] })).toThrow(/must not contain credentials/);
    try {
      client({ baseUrls: [`https://user:${SECRET}@primary.test`] });
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(SECRET);
    }
    expect(() => client({ baseUrls: [] })).toThrow();
    expect(() => client({ baseUrls: [P, A, 'https://third.test'] })).toThrow();
  });

  test('invalid request is not sent; validateRequests:false sends it', async () => {
    const o = await client().acquire(APP, { cname: 'room1', uid: '0', clientRequest: { resourceExpiredHour: 0 } });
    expect(o.kind).toBe('invalid-request');
    if (o.kind !== 'invalid-request') throw new Error();
    expect(o.issues.map((i) => i.path).sort()).toEqual(['clientRequest.resourceExpiredHour', 'uid']);
    assertSafe(o);
    const bad = await client().start(APP, RID, 'mix', { cname: 'r', uid: '1', clientRequest: { token: RTC_TOKEN } as never });
    expect(bad).toMatchObject({ kind: 'invalid-request', issues: [{ path: 'clientRequest.storageConfig' }] });
    assertSafe(bad);

    reply(400, { code: 2, reason: 'invalid uid' }, acquirePath);
    const sent = await client({ validateRequests: false }).acquire(APP, { cname: 'room1', uid: '0', clientRequest: {} });
    expect(sent).toMatchObject({ kind: 'client-error', httpStatus: 400, code: 2 });
  });
});

describe('parsing 200 bodies', () => {
  test('acquire: extra fields kept, request id and host recorded', async () => {
    mock
      .get(P)
      .intercept({ path: acquirePath, method: 'POST' })
      .reply(200, JSON.stringify({ cname: 'room1', uid: '527841', resourceId: RID, newField: [1] }), {
        headers: { 'x-request-id': 'req-42' },
      });
    const o = await acquire(client());
    expect(o).toEqual({
      kind: 'ok',
      httpStatus: 200,
      body: { cname: 'room1', uid: '527841', resourceId: RID, newField: [1] },
      requestId: 'req-42',
      host: P,
    });
    assertSafe(o);
  });

  test('query: fileList string, numeric-string status', async () => {
    reply(200, { sid: SID, serverResponse: { status: '5', fileListMode: 'string', fileList: `${SID}_room1.m3u8`, sliceStartTime: 1562724971626, extra: true } }, taskPath('query'), 'GET');
    const o = await query(client());
    if (o.kind !== 'ok') throw new Error(JSON.stringify(o));
    expect(o.body.serverResponse.status).toBe(5);
    expect(o.body.serverResponse).toMatchObject({ extra: true });
    expect(serverResponseView(o.body.serverResponse)).toEqual({ status: 5, files: [{ fileName: `${SID}_room1.m3u8` }] });
  });

  test('query: fileList array with filename / fileName spellings', async () => {
    const fileList = [
      { filename: 'a.m3u8', trackType: 'audio', uid: '123', mixedAllUser: false, isPlayable: true, sliceStartTime: 1562724971626 },
      { fileName: 'b.mp4', trackType: 'audio_and_video', uid: '0', mixedAllUser: true, isPlayable: true, sliceStartTime: '1562724971627', x: 1 },
    ];
    reply(200, { serverResponse: { status: 4, fileListMode: 'json', fileList } }, taskPath('query'), 'GET');
    const o = await query(client());
    if (o.kind !== 'ok') throw new Error(JSON.stringify(o));
    expect(o.body.serverResponse.fileList).toEqual([
      { fileName: 'a.m3u8', trackType: 'audio', uid: '123', mixedAllUser: false, isPlayable: true, sliceStartTime: 1562724971626 },
      { fileName: 'b.mp4', trackType: 'audio_and_video', uid: '0', mixedAllUser: true, isPlayable: true, sliceStartTime: 1562724971627, x: 1 },
    ]);
    expect(serverResponseView(o.body.serverResponse).files.map((f) => f.fileName)).toEqual(['a.m3u8', 'b.mp4']);
  });

  test('stop (web): playload vs payload, uploadingStatus, web files', async () => {
    const serverResponse = {
      extensionServiceState: [
        { serviceName: 'upload_service', playload: { uploadingStatus: 'uploaded' } },
        { serviceName: 'web_recorder_service', payload: { fileList: [{ filename: 'w.m3u8', sliceStartTime: 1 }], onhold: false, state: 'exit' } },
      ],
    };
    reply(200, { resourceId: RID, sid: SID, serverResponse }, taskPath('stop', 'web'));
    const o = await client().stop(APP, RID, SID, 'web', { cname: 'r', uid: '1', clientRequest: { async_stop: true } });
    if (o.kind !== 'ok') throw new Error(JSON.stringify(o));
    expect(o.body.serverResponse?.extensionServiceState?.[0]).toEqual({ serviceName: 'upload_service', payload: { uploadingStatus: 'uploaded' } });
    expect(serverResponseView(o.body.serverResponse)).toEqual({
      files: [{ fileName: 'w.m3u8', sliceStartTime: 1 }],
      uploadingStatus: 'uploaded',
      webRecorderState: 'exit',
    });
  });

  test('stop (mix): uploadingStatus; stop without serverResponse is still ok', async () => {
    reply(200, { serverResponse: { fileListMode: 'string', fileList: 'x.m3u8', uploadingStatus: 'backuped' } }, taskPath('stop'));
    const o = await stop(client(), false);
    if (o.kind !== 'ok') throw new Error(JSON.stringify(o));
    expect(serverResponseView(o.body.serverResponse)).toEqual({ files: [{ fileName: 'x.m3u8' }], uploadingStatus: 'backuped' });
    reply(200, { resourceId: RID, sid: SID }, taskPath('stop'));
    const o2 = await stop(client(), true);
    expect(o2.kind).toBe('ok');
    if (o2.kind === 'ok') expect(serverResponseView(o2.body.serverResponse)).toEqual({ files: [] });
  });

  test.each([
    ['missing serverResponse', { sid: SID }, 'serverResponse'],
    ['non-numeric status', { serverResponse: { status: 'running' } }, 'serverResponse.status'],
    ['file without a name', { serverResponse: { fileList: [{ trackType: 'audio' }] } }, 'serverResponse.fileList.0.fileName'],
    ['fileList of wrong type', { serverResponse: { fileList: 5 } }, 'serverResponse.fileList'],
  ])('invalid 200 query (%s) names the field', async (_name, body, path) => {
    reply(200, body, taskPath('query'), 'GET');
    const o = await query(client());
    expect(o).toMatchObject({ kind: 'invalid-response', httpStatus: 200, host: P });
    if (o.kind !== 'invalid-response') throw new Error();
    expect(o.issues.map((i) => i.path)).toContain(path);
    expect(o.error).toContain(path);
    assertSafe(o);
  });

  test.each([
    ['non-JSON', '<html>oops</html>', 'body is not JSON'],
    ['empty', '', 'empty body'],
  ])('%s 200 body is invalid-response', async (_n, text, msg) => {
    reply(200, text, acquirePath);
    const o = await acquire(client());
    expect(o).toMatchObject({ kind: 'invalid-response', httpStatus: 200 });
    if (o.kind === 'invalid-response') expect(o.error).toContain(msg);
  });

  test('acquire 200 without resourceId is invalid-response', async () => {
    reply(200, { code: 2, reason: 'x' }, acquirePath);
    expect(await acquire(client())).toMatchObject({ kind: 'invalid-response', issues: [{ path: 'resourceId' }] });
  });
});

describe('classification', () => {
  const cases: Array<[string, number, unknown, Partial<AgoraOutcome<unknown>> & Record<string, unknown>]> = [
    ['201 already started', 201, { code: 7, reason: 'already started', resourceId: RID, sid: '' }, { kind: 'already-started', httpStatus: 201, code: 7, resourceId: RID }],
    ['206 code 65', 206, { code: 65, reason: 'request not completed' }, { kind: 'partial', httpStatus: 206, code: 65 }],
    ['404 worker', 404, { code: 404, reason: 'failed to find worker', resourceId: RID, sid: SID }, { kind: 'not-found', httpStatus: 404, code: 404, reason: 'failed to find worker' }],
    ['404 no route', 404, { message: 'no Route matched with those values' }, { kind: 'client-error', httpStatus: 404, noRoute: true }],
    ['429', 429, { message: 'API rate limit exceeded' }, { kind: 'rate-limited', httpStatus: 429, message: 'API rate limit exceeded' }],
    ['400 code 2 + echo fields', 400, { code: 2, reason: 'bad', cname: 'room1', sid: '', resourceId: RID }, { kind: 'client-error', httpStatus: 400, code: 2, reason: 'bad' }],
    ['400 code as string', 400, { code: '53', reason: 'task conflict' }, { kind: 'client-error', code: 53 }],
    ['400 appid invalid', 400, { message: 'appid is invalid' }, { kind: 'client-error', message: 'appid is invalid' }],
    ['401', 401, { message: 'Invalid authentication credentials' }, { kind: 'client-error', httpStatus: 401 }],
    ['500 undocumented code 15 with echoes', 500, { resourceId: RID, sid: '', code: 15 }, { kind: 'server-error', httpStatus: 500, code: 15 }],
    ['504 code 62', 504, { code: 62, reason: 'request timeout' }, { kind: 'server-error', httpStatus: 504, code: 62 }],
    ['502 html', 502, '<html>Bad Gateway</html>', { kind: 'server-error', httpStatus: 502, bodySnippet: '<html>Bad Gateway</html>' }],
    ['500 empty', 500, '', { kind: 'server-error', httpStatus: 500 }],
    ['400 non-JSON', 400, 'bad request', { kind: 'client-error', httpStatus: 400, bodySnippet: 'bad request' }],
    ['204 undocumented', 204, '', { kind: 'invalid-response', httpStatus: 204 }],
    ['302 undocumented', 302, '', { kind: 'invalid-response', httpStatus: 302 }],
  ];
  test.each(cases)('%s', async (_n, status, body, expected) => {
    reply(status, body, startPath);
    const o = await client().start(APP, RID, 'mix', { cname: 'room1', uid: '527841', clientRequest: startClientRequest });
    expect(o).toMatchObject({ ...expected, host: P });
    assertSafe(o);
  });

  test('201 with empty sid leaves sid out', async () => {
    reply(201, { code: 7, resourceId: RID, sid: '' }, startPath);
    const o = await client().start(APP, RID, 'mix', { cname: 'room1', uid: '527841', clientRequest: startClientRequest });
    expect(o).not.toHaveProperty('sid');
  });

  // What each 206 means to the lifecycle, read through the one Agora answer table: only 435 ends the
  // stop (nothing recorded); 65 (not completed), 50/206 (upload timeout) and no code are retried.
  test.each([
    [65, 'ambiguous'],
    [435, 'nothing-recorded'],
    [50, 'ambiguous'],
    [206, 'ambiguous'],
    [undefined, 'ambiguous'],
  ] as const)('stop 206 code %s → %s', async (code, meaning) => {
    reply(206, code === undefined ? {} : { code, reason: 'r', serverResponse: { uploadingStatus: 'unknown' } }, taskPath('stop'));
    const o = await stop(client());
    if (o.kind !== 'partial') throw new Error(JSON.stringify(o));
    expect(o.code).toBe(code);
    expect(stopAnswer(o).kind).toBe(meaning);
  });
});

describe('timeouts and failover', () => {
  test('timeout → network with timedOut, after primary, primary, alternate', async () => {
    mock.get(P).intercept({ path: acquirePath, method: 'POST' }).reply(200, '{}').delay(300).times(2);
    mock.get(A).intercept({ path: acquirePath, method: 'POST' }).reply(200, '{}').delay(300);
    const t0 = Date.now();
    const o = await acquire(client({ timeoutMs: 50 }));
    expect(o).toEqual({ kind: 'network', error: 'timeout: no answer within 50 ms', timedOut: true, hostsTried: [P, P, A] });
    expect(Date.now() - t0).toBeLessThan(1000);
    assertSafe(o);
  });

  test('connection errors: primary, primary, then alternate answers', async () => {
    mock.get(P).intercept({ path: acquirePath, method: 'POST' }).replyWithError(new Error('connect ECONNREFUSED')).times(2);
    reply(200, { resourceId: RID }, acquirePath, 'POST', A);
    const c = client();
    const o = await acquire(c);
    expect(o).toMatchObject({ kind: 'ok', host: A });
    mock.assertNoPendingInterceptors();
    expect(logs).toHaveLength(2);
    assertSafe(o);

    // The next request begins at the primary again.
    reply(200, { resourceId: 'rid-2' }, acquirePath);
    expect(await acquire(c)).toMatchObject({ kind: 'ok', host: P, body: { resourceId: 'rid-2' } });
  });

  test('one timeout on primary, the retry on primary answers', async () => {
    mock.get(P).intercept({ path: acquirePath, method: 'POST' }).reply(200, '{}').delay(300);
    reply(200, { resourceId: RID }, acquirePath);
    expect(await acquire(client({ timeoutMs: 50 }))).toMatchObject({ kind: 'ok', host: P });
  });

  test('all hosts unreachable: hostsTried in order, error text kept', async () => {
    mock.get(P).intercept({ path: /.*/, method: 'GET' }).replyWithError(new Error('getaddrinfo ENOTFOUND')).times(2);
    mock.get(A).intercept({ path: /.*/, method: 'GET' }).replyWithError(new Error('socket hang up'));
    const o = await query(client());
    expect(o).toEqual({ kind: 'network', error: 'Error: socket hang up', timedOut: false, hostsTried: [P, P, A] });
  });

  test.each([500, 502, 503, 504, 429, 404, 400])('HTTP %s is an answer: no failover', async (status) => {
    reply(status, { code: 1 }, acquirePath);
    const o = await acquire(client());
    expect(o).toMatchObject({ httpStatus: status, host: P });
    mock.assertNoPendingInterceptors();
  });

  test('single base URL retries the primary once', async () => {
    mock.get(P).intercept({ path: acquirePath, method: 'POST' }).replyWithError(new Error('ECONNRESET')).times(2);
    expect(await acquire(client({ baseUrls: [P] }))).toMatchObject({ kind: 'network', hostsTried: [P, P] });
  });

  test('failover:false makes a single attempt', async () => {
    mock.get(P).intercept({ path: acquirePath, method: 'POST' }).replyWithError(new Error('ECONNRESET'));
    expect(await acquire(client({ failover: false }))).toMatchObject({ kind: 'network', hostsTried: [P] });
  });

  test('caller abort ends the call without failover', async () => {
    mock.get(P).intercept({ path: acquirePath, method: 'POST' }).reply(200, '{}').delay(500);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const o = await client().acquire(APP, { cname: 'r', uid: '1', clientRequest: {} }, { signal: ac.signal });
    expect(o).toEqual({ kind: 'network', error: 'aborted by caller', timedOut: false, aborted: true, hostsTried: [P] });
  });

  test('sync stop gets the longer timeout, async stop the normal one', async () => {
    mock.get(P).intercept({ path: taskPath('stop'), method: 'POST' }).reply(200, '{}').delay(150);
    expect(await stop(client({ timeoutMs: 50, syncStopTimeoutMs: 1000 }), false)).toMatchObject({ kind: 'ok' });
    mock.get(P).intercept({ path: taskPath('stop'), method: 'POST' }).reply(200, '{}').delay(150).times(2);
    mock.get(A).intercept({ path: taskPath('stop'), method: 'POST' }).reply(200, '{}').delay(150);
    expect(await stop(client({ timeoutMs: 50, syncStopTimeoutMs: 1000 }), true)).toMatchObject({ kind: 'network', timedOut: true });
  });
});

test('describeOutcome gives a one-line summary', async () => {
  reply(404, { code: 404, reason: 'failed to find worker' }, taskPath('query'), 'GET');
  expect(describeOutcome('query', await query(client()))).toBe(`agora query: not-found HTTP 404 (code 404 failed to find worker) from ${P}`);
  expect(describeOutcome('query', { kind: 'network', error: 'x', timedOut: true, hostsTried: [P, P, A] })).toBe(
    `agora query: network timeout (x) after ${P}, ${P}, ${A}`,
  );
});

describe('secrets', () => {
  test('no secret in any outcome, error or log, even when the server echoes them', async () => {
    const echoed = `got secretKey=${STORAGE_SECRET} accessKey=${STORAGE_ACCESS} token=${RTC_TOKEN} sts=${STS} auth=Basic ${BASIC} pw=${SECRET}`;
    const start = (c: AgoraClient) =>
      c.start(APP, RID, 'mix', { cname: 'room1', uid: '527841', clientRequest: startClientRequest });
    const outcomes: unknown[] = [];
    for (const [status, body] of [
      [200, { sid: SID, echo: echoed }],
      [200, { echo: echoed }],
      [201, { code: 7, reason: echoed }],
      [206, { code: 65, body: echoed }],
      [400, { code: 2, reason: echoed, message: echoed }],
      [400, echoed],
      [404, { message: echoed }],
      [429, { message: echoed }],
      [500, echoed],
      [302, echoed],
    ] as const) {
      reply(status, body, startPath);
      outcomes.push(await start(client()));
    }
    mock.get(P).intercept({ path: startPath, method: 'POST' }).replyWithError(new Error(echoed)).times(2);
    mock.get(A).intercept({ path: startPath, method: 'POST' }).replyWithError(new Error(echoed));
    const net = await start(client());
    expect(net.kind).toBe('network');
    outcomes.push(net);
    expect(logs.length).toBe(3);
    outcomes.push(
      await client().start(APP, RID, 'mix', {
        cname: 'room1',
        uid: '0',
        clientRequest: { ...startClientRequest, recordingConfig: { secret: STORAGE_SECRET, maxIdleTime: 1 } },
      }),
    );
    for (const o of outcomes) assertSafe(o);
    expect(JSON.stringify(outcomes)).toContain('[redacted]');
  });
});
