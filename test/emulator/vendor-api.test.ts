import net from 'node:net';
import { APP, sleep, startRequest, STORAGE, useEmulator } from './support';

const ctx = useEmulator();

describe('happy path and response shapes', () => {
  test('mix: acquire → start → query → update → updateLayout → stop', async () => {
    const { c } = ctx;
    const acq = await c.acquire('room1', '527841', { scene: 0, resourceExpiredHour: 24 });
    expect(acq.status).toBe(200);
    expect(Object.keys(acq.body).sort()).toEqual(['cname', 'resourceId', 'uid']);
    expect(acq.body).toMatchObject({ cname: 'room1', uid: '527841' });
    expect(acq.body.resourceId.length).toBeGreaterThan(64);
    expect(acq.headers.get('x-request-id')).toBeTruthy();

    const rid = acq.body.resourceId;
    const st = await c.start(rid, 'mix', 'room1', '527841', startRequest('mix'));
    expect(st.status).toBe(200);
    expect(st.body).toEqual({ cname: 'room1', uid: '527841', resourceId: rid, sid: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const sid = st.body.sid;

    const q0 = await c.query(rid, sid);
    expect(q0.status).toBe(200);
    expect(q0.body).toEqual({
      cname: 'room1',
      uid: '527841',
      resourceId: rid,
      sid,
      serverResponse: { status: expect.any(Number), fileListMode: 'string', fileList: '', sliceStartTime: 0 },
    });
    expect(q0.body.serverResponse.status).toBeLessThan(5);

    const up = await c.update(rid, sid, 'mix', 'room1', '527841', {
      streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] }, videoUidList: { unSubscribeVideoUids: ['10002'] } },
    });
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ cname: 'room1', uid: '527841', resourceId: rid, sid });

    const lay = await c.updateLayout(rid, sid, 'mix', 'room1', '527841', { mixedVideoLayout: 1, backgroundColor: '#FF0000' });
    expect(lay.status).toBe(200);
    expect(lay.body).toEqual({ cname: 'room1', uid: '527841', resourceId: rid, sid });

    await sleep(350);
    const q5 = await c.query(rid, sid);
    expect(q5.body.serverResponse).toEqual({
      status: 5,
      fileListMode: 'string',
      fileList: `${sid}_room1.m3u8`,
      sliceStartTime: expect.any(Number),
    });
    expect(String(q5.body.serverResponse.sliceStartTime)).toHaveLength(13);

    const stop = await c.stop(rid, sid, 'mix', 'room1', '527841', { async_stop: false });
    expect(stop.status).toBe(200);
    expect(stop.body).toEqual({
      cname: 'room1',
      uid: '527841',
      resourceId: rid,
      sid,
      serverResponse: { fileListMode: 'string', fileList: `${sid}_room1.m3u8`, uploadingStatus: 'uploaded' },
    });

    const task = await c.task(sid);
    expect(task).toMatchObject({
      appId: APP,
      mode: 'mix',
      live: false,
      endReason: 'stopped',
      updateCount: 1,
      layoutCount: 1,
      hasToken: true,
      layout: { mixedVideoLayout: 1, backgroundColor: '#FF0000' },
      subscriptions: { audioUidList: { subscribeAudioUids: ['#allstream#'] }, videoUidList: { unSubscribeVideoUids: ['10002'] } },
    });
    expect(typeof task.startedAt).toBe('number');
    expect(typeof task.endedAt).toBe('number');
    // Storage credentials and tokens never leak through the control API.
    const all = JSON.stringify((await c.control('GET', '/__emulator/tasks')).body);
    expect(all).not.toContain('top-secret-key');
    expect(all).not.toContain('AKIAEMULATOR');
    expect(all).not.toContain('rtc-token');
  });

  test('mix with hls+mp4 lists json files', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('mp4room', '100', 'mix', startRequest('mix', { recordingFileConfig: { avFileType: ['hls', 'mp4'] } }));
    await sleep(350);
    const q = await c.query(rid, sid);
    expect(q.body.serverResponse.fileListMode).toBe('json');
    expect(q.body.serverResponse.fileList).toEqual([
      { fileName: `${sid}_mp4room.m3u8`, trackType: 'audio_and_video', uid: '0', mixedAllUser: true, isPlayable: true, sliceStartTime: expect.any(Number) },
      { fileName: `${sid}_mp4room_0.mp4`, trackType: 'audio_and_video', uid: '0', mixedAllUser: true, isPlayable: true, sliceStartTime: expect.any(Number) },
    ]);
  });

  test('individual mode lists per-user audio and video files for the channel users', async () => {
    const { c } = ctx;
    await c.control('POST', '/__emulator/channels', { cname: 'indiv', users: ['201', '202'] });
    const { rid, sid } = await c.record('indiv', '999', 'individual', startRequest('individual', {
      recordingConfig: { subscribeUidGroup: 0, subscribeAudioUids: ['201', '202'], subscribeVideoUids: ['202'] },
    }));
    const early = await c.query(rid, sid, 'individual');
    expect(early.body.serverResponse).toMatchObject({ fileListMode: 'json', fileList: [] });
    await sleep(350);
    const stop = await c.stop(rid, sid, 'individual', 'indiv', '999');
    expect(stop.status).toBe(200);
    const names = stop.body.serverResponse.fileList.map((f: { fileName: string }) => f.fileName);
    expect(names).toEqual([
      `${sid}_indiv__uid_s_201__uid_e_audio.m3u8`,
      `${sid}_indiv__uid_s_202__uid_e_audio.m3u8`,
      `${sid}_indiv__uid_s_202__uid_e_video.m3u8`,
    ]);
    expect(stop.body.serverResponse.fileList[0]).toMatchObject({ trackType: 'audio', uid: '201', mixedAllUser: false, isPlayable: true });
    expect(stop.body.serverResponse.uploadingStatus).toBe('uploaded');
  });

  test('individual mode defaults to the one emulated user 10001', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('solo', '77', 'individual');
    await sleep(350);
    const q = await c.query(rid, sid, 'individual');
    expect(q.body.serverResponse.fileList.map((f: { uid: string }) => f.uid)).toEqual(['10001', '10001']);
  });

  test('web mode reports extensionServiceState', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('web page #1', '55', 'web');
    await sleep(350);
    const q = await c.query(rid, sid, 'web');
    expect(q.body.serverResponse).toEqual({
      status: 5,
      extensionServiceState: [
        {
          serviceName: 'web_recorder_service',
          payload: { fileList: [{ filename: `${sid}_web-page--1.m3u8`, sliceStartTime: expect.any(Number) }], onhold: false, state: 'inProgress' },
        },
      ],
    });
    const up = await c.update(rid, sid, 'web', 'web page #1', '55', { webRecordingConfig: { onhold: true } });
    expect(up.status).toBe(200);
    const stop = await c.stop(rid, sid, 'web', 'web page #1', '55');
    expect(stop.status).toBe(200);
    expect(stop.body.serverResponse.extensionServiceState).toEqual([
      { serviceName: 'upload_service', payload: { uploadingStatus: 'uploaded' } },
      { serviceName: 'web_recorder_service', payload: { fileList: expect.any(Array), onhold: true, state: 'exit' } },
    ]);
  });

  test('both listeners serve the same state', async () => {
    const { c, emu } = ctx;
    const { rid, sid } = await c.record('shared', '1');
    const r = await fetch(`${emu.altBaseUrl}${c.path('query', rid, sid)}`, { headers: { Authorization: c.auth } });
    expect(r.status).toBe(200);
  });
});

describe('gateway behaviour', () => {
  test('missing auth → 401 Unauthorized; wrong or malformed → Invalid authentication credentials', async () => {
    const { c } = ctx;
    const body = JSON.stringify({ cname: 'a', uid: '1', clientRequest: {} });
    const json = { 'Content-Type': 'application/json' };
    const none = await c.raw('POST', c.path('acquire'), { body, headers: json });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: 'Unauthorized' });
    expect(none.headers.get('x-request-id')).toBeTruthy();
    const wrong = 'Basic ' + Buffer.from('emulator-customer-id:nope').toString('base64');
    for (const auth of [wrong, c.auth.slice('Basic '.length), 'Bearer abc', 'Basic !!!']) {
      const r = await c.raw('POST', c.path('acquire'), { body, headers: { ...json, Authorization: auth } });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ message: 'Invalid authentication credentials' });
    }
  });

  test('unknown route, wrong method or wrong case → 404 no Route matched', async () => {
    const { c } = ctx;
    const paths: Array<[string, string]> = [
      ['GET', c.path('acquire')],
      ['POST', c.path('query', 'r', 's')],
      ['GET', c.path('stop', 'r', 's')],
      ['POST', `/v1/apps/${APP}/cloud_recording/Acquire`],
      ['POST', `/v1/apps/${APP}/acquire`],
      ['GET', '/'],
      ['DELETE', c.path('start', 'r')],
      ['POST', `/v1/apps/${APP}/cloud_recording/acquire/`],
    ];
    for (const [method, path] of paths) {
      const r = await c.call(method, path);
      expect([method, path, r.status, r.body]).toEqual([method, path, 404, { message: 'no Route matched with those values' }]);
      expect(r.headers.get('x-request-id')).toBeTruthy();
    }
  });
});

describe('request validation', () => {
  const code2 = (r: { status: number; body: any }, field: string) => {
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.reason).toContain(field);
  };

  test('acquire envelope: wrong case, missing fields, bad uid, non-object clientRequest', async () => {
    const { c } = ctx;
    code2(await c.call('POST', c.path('acquire'), { Cname: 'a', uid: '1', clientRequest: {} }), 'Cname');
    code2(await c.call('POST', c.path('acquire'), { uid: '1', clientRequest: {} }), 'cname');
    code2(await c.call('POST', c.path('acquire'), { cname: 'a', clientRequest: {} }), 'uid');
    code2(await c.call('POST', c.path('acquire'), { cname: 'a', uid: '1' }), 'clientRequest');
    for (const uid of ['0', '4294967296', '-1', '12a', '', '007', 5, null]) {
      code2(await c.call('POST', c.path('acquire'), { cname: 'a', uid, clientRequest: {} }), 'uid');
    }
    expect((await c.acquire('a', '4294967295')).status).toBe(200);
    for (const cr of [[], 'x', 1, null]) {
      code2(await c.call('POST', c.path('acquire'), { cname: 'a', uid: '1', clientRequest: cr }), 'clientRequest');
    }
    code2(await c.call('POST', c.path('acquire'), [1, 2]), 'body');
    const exact = await c.acquire('a', '1', { resourceExpiredHour: 0 });
    expect(exact.body).toEqual({ code: 2, reason: 'Acquire: invalid resourceExpiredHour value!' });
    code2(await c.acquire('a', '1', { resourceExpiredHour: 721 }), 'resourceExpiredHour');
    code2(await c.acquire('a', '1', { resourceExpiredHour: 1.5 }), 'resourceExpiredHour');
    code2(await c.acquire('a', '1', { scene: 3 }), 'scene');
    code2(await c.acquire('a', '1', { Scene: 0 }), 'Scene');
  });

  test('acquire: invalid channel names → 401 invalid_channel_name', async () => {
    const { c } = ctx;
    for (const cname of ['bad/name', 'emoji😀', 'x'.repeat(64), 'tab\tname', '']) {
      const r = await c.acquire(cname, '1');
      if (cname === '') code2(r, 'cname');
      else expect([cname, r.status, r.body]).toEqual([cname, 400, { code: 401, reason: 'invalid_channel_name' }]);
    }
    expect((await c.acquire('x'.repeat(63), '1')).status).toBe(200);
    expect((await c.acquire('All !#$%&()+-:;<=.>?@[]^_{}|~, ok', '1')).status).toBe(200);
    // Web recording cnames are only labels (up to 1024 bytes).
    expect((await c.acquire('https://example.com/x', '1', { scene: 1 })).status).toBe(200);
  });

  test('start: required configs and ranges', async () => {
    const { c } = ctx;
    const rid = (await c.acquire('v', '1')).body.resourceId;
    const start = (mode: string, cr: unknown) => c.start(rid, mode, 'v', '1', cr);
    code2(await start('mix', { recordingConfig: {} }), 'storageConfig');
    code2(await start('individual', { recordingConfig: { subscribeUidGroup: 0 } }), 'storageConfig');
    code2(await start('individual', { storageConfig: STORAGE }), 'recordingConfig');
    code2(await start('individual', { storageConfig: STORAGE, recordingConfig: {} }), 'recordingConfig.subscribeUidGroup');
    code2(await start('mix', startRequest('mix', { recordingConfig: { maxIdleTime: 4 } })), 'recordingConfig.maxIdleTime');
    code2(await start('mix', startRequest('mix', { recordingConfig: { maxIdleTime: 2_592_001 } })), 'recordingConfig.maxIdleTime');
    code2(await start('mix', startRequest('mix', { storageConfig: { ...STORAGE, bucket: undefined } })), 'storageConfig.bucket');
    code2(await start('mix', startRequest('mix', { StorageConfig: STORAGE })), 'StorageConfig');
    code2(await start('mix', startRequest('mix', { recordingFileConfig: { avFileType: ['mp4'] } })), 'recordingFileConfig.avFileType');
    code2(
      await start('mix', startRequest('mix', { recordingConfig: { subscribeAudioUids: ['1'], unsubscribeAudioUids: ['2'] } })),
      'unsubscribeAudioUids',
    );
    code2(await start('mix', startRequest('mix', { recordingConfig: { transcodingConfig: { width: 1920, height: 1920 } } })), 'width');
    code2(await start('mix', startRequest('mix', { recordingConfig: { transcodingConfig: { mixedVideoLayout: 3 } } })), 'layoutConfig');
    code2(await start('web', { storageConfig: STORAGE }), 'extensionServiceConfig');
    code2(await start('bogus', startRequest('mix')), 'mode');
    // The resource was not consumed by any of the rejected starts.
    expect((await start('mix', startRequest('mix'))).status).toBe(200);
  });

  test('both blacklist spellings are accepted', async () => {
    const { c } = ctx;
    for (const [i, key] of ['unsubscribeVideoUids', 'unSubscribeVideoUids'].entries()) {
      const uid = String(i + 1);
      const { rid, sid } = await c.record('spell', uid, 'mix', startRequest('mix', { recordingConfig: { [key]: ['5'] } }));
      const up = await c.update(rid, sid, 'mix', 'spell', uid, { streamSubscribe: { videoUidList: { [key]: ['6'] } } });
      expect(up.status).toBe(200);
      expect((await c.task(sid)).subscriptions).toEqual({ videoUidList: { [key]: ['6'] } });
    }
  });

  test('updateLayout only in mix mode; query/update/stop with unknown mode → code 2', async () => {
    const { c } = ctx;
    const { rid, sid } = await c.record('lay', '3', 'individual');
    const r = await c.updateLayout(rid, sid, 'individual', 'lay', '3', { mixedVideoLayout: 1 });
    code2(r, 'mode');
    code2(await c.query(rid, sid, 'Mix'), 'mode');
    code2(await c.stop(rid, sid, 'audio', 'lay', '3'), 'mode');
    const m = await c.record('lay2', '3', 'mix');
    code2(await c.updateLayout(m.rid, m.sid, 'mix', 'lay2', '3', { layoutConfig: [{ x_axis: 2, y_axis: 0, width: 1, height: 1 }] }), 'layoutConfig[0].x_axis');
    code2(await c.update(m.rid, m.sid, 'mix', 'lay2', '3', { webRecordingConfig: { onhold: true } }), 'webRecordingConfig');
  });

  test('body not JSON, empty, or wrong Content-Type → code 8', async () => {
    const { c } = ctx;
    const headers = { Authorization: c.auth, 'Content-Type': 'application/json' };
    for (const body of ['{', 'not json', '', '{"cname": "a",}']) {
      const r = await c.raw('POST', c.path('acquire'), { body, headers });
      expect([body, r.status, r.body.code]).toEqual([body, 400, 8]);
    }
    const r = await c.raw('POST', c.path('acquire'), {
      body: JSON.stringify({ cname: 'a', uid: '1', clientRequest: {} }),
      headers: { Authorization: c.auth, 'Content-Type': 'text/plain' },
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(8);
  });

  test('garbage never crashes or hangs the emulator', async () => {
    const { c } = ctx;
    const headers = { Authorization: c.auth, 'Content-Type': 'application/json' };
    const bodies = [
      JSON.stringify({ cname: { $gt: '' }, uid: ['1'], clientRequest: { scene: '0' } }),
      JSON.stringify({ cname: 'g', uid: '1', clientRequest: { startParameter: 5, excludeResourceIds: [1] } }),
      '{"cname":"g","uid":"1","clientRequest":{"scene":1e999,"__proto__":{"polluted":true}}}',
      '"just a string"',
      'null',
      '1e309',
      Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('latin1'),
    ];
    const paths = [c.path('acquire'), c.path('start', 'garbage'), c.path('update', 'x', 'y'), c.path('stop', '%%%', 'y'), c.path('updateLayout', 'x', 'y')];
    for (const path of paths) {
      for (const body of bodies) {
        const r = await c.raw('POST', path, { body, headers, signal: AbortSignal.timeout(5000) });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      }
    }
    const big = await c.raw('POST', c.path('acquire'), { body: 'x'.repeat(2 * 1024 * 1024), headers, signal: AbortSignal.timeout(5000) }).catch(
      (err: Error) => ({ status: -1, body: String(err) }),
    );
    expect([413, -1]).toContain(big.status);
    // Unknown resourceId and a deep start clientRequest still answer with vendor codes.
    const bad = await c.start('nope', 'mix', 'g', '1', startRequest('mix'));
    expect(bad.body).toEqual({ code: 1001, reason: expect.any(String) });
    // Not even HTTP: the connection is refused politely and the listener survives.
    const port = Number(new URL(ctx.emu.baseUrl).port);
    const closed = await new Promise<string>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => sock.write('\x00\xff GARBAGE /// \r\n\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
      sock.setTimeout(5000, () => sock.destroy());
    });
    expect(closed).toMatch(/^HTTP\/1\.1 400/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await c.control('GET', '/__emulator/health')).body).toEqual({ ok: true });
  });
});
