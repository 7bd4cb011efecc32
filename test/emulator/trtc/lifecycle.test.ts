import { trtcBase64 } from '../../../src/emulator/trtc/naming';
import { AFTER_EXIT, AFTER_JOIN, APP, COS, sleep, uniqueRoom, useTrtcEmulator } from './support';

// JOIN_MS: a created task is Idle that long, then pulls media if anyone publishes.
const ctx = useTrtcEmulator();

describe('task state', () => {
  test('Idle while joining, InProgress once pulling the default publisher, with single-stream files', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    const id = await c.create(room);
    const early = await c.describe(id);
    expect(early).toMatchObject({ TaskId: id, Status: 'Idle', StorageFileList: [] });
    await sleep(AFTER_JOIN);
    const d = await c.describe(id);
    expect(d.Status).toBe('InProgress');
    const u = trtcBase64('anchor1');
    expect(d.StorageFileList).toEqual([
      { UserId: 'anchor1', FileName: `${APP}_${room}__UserId_s_${u}__UserId_e_main_audio.m3u8`, TrackType: 'audio', BeginTimeStamp: expect.any(Number) },
      { UserId: 'anchor1', FileName: `${APP}_${room}__UserId_s_${u}__UserId_e_main_video.m3u8`, TrackType: 'video', BeginTimeStamp: expect.any(Number) },
    ]);
    const t = await c.task(id);
    expect(d.StorageFileList[0].BeginTimeStamp).toBe(t.joinAt);
    expect(t.files[0].key).toBe(`${id}/${d.StorageFileList[0].FileName}`);
  });

  test('nobody publishing: stays Idle, then MaxIdleTime ends it (LeaveCode 99), Exited, then ResourceNotFound', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    await c.room(room, []);
    const id = await c.create(room, {}, { MaxIdleTime: 5 });
    await sleep(AFTER_JOIN);
    expect((await c.describe(id)).Status).toBe('Idle');
    // fast-forward: the emulator is lazy, so we check the exit is stamped at create + 5 s
    await sleep(5000);
    const d = await c.describe(id);
    const t = await c.task(id);
    expect(t).toMatchObject({ live: false, endReason: 'idle', leaveCode: 99 });
    expect(t.endedAt - t.createdAt).toBe(5000);
    expect(['Exited', undefined]).toContain(d.Status); // inside or past the Exited window
    await sleep(AFTER_EXIT);
    expect((await c.describe(id)).Error.Code).toBe('ResourceNotFound');
  }, 15_000);

  test('a silent anchor (present, not sending) keeps the task alive and Idle; a publisher turns it InProgress', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    await c.room(room, [], ['quiet']);
    const id = await c.create(room, {}, { MaxIdleTime: 5 });
    await sleep(AFTER_JOIN);
    expect((await c.describe(id)).Status).toBe('Idle');
    await c.room(room, ['speaker']);
    const d = await c.describe(id);
    expect(d.Status).toBe('InProgress');
    expect(d.StorageFileList.map((f: any) => f.UserId)).toEqual(['speaker', 'speaker']);
  });

  test('publishers leaving start the MaxIdleTime countdown from that moment', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    const id = await c.create(room, {}, { MaxIdleTime: 5 });
    await sleep(AFTER_JOIN);
    await c.room(room, []);
    const left = Date.now();
    expect((await c.describe(id)).Status).toBe('Idle');
    await c.room(room, ['back']);
    expect((await c.describe(id)).Status).toBe('InProgress');
    expect((await c.task(id)).live).toBe(true);
    expect(Date.now() - left).toBeLessThan(5000);
  });

  test('Delete ends it (LeaveCode 0): Describe shows Exited, then ResourceNotFound; Modify/Delete on it → ResourceNotFound', async () => {
    const { c } = ctx;
    const id = await c.create(uniqueRoom());
    await sleep(AFTER_JOIN);
    expect(await c.delete(id)).toEqual({ TaskId: id, RequestId: expect.any(String) });
    const d = await c.describe(id);
    expect(d.Status).toBe('Exited');
    expect(d.StorageFileList).toHaveLength(2); // files recorded before the stop remain listed
    expect((await c.delete(id)).Error.Code).toBe('ResourceNotFound');
    expect((await c.modify(id, { SubscribeStreamUserIds: {} })).Error.Code).toBe('ResourceNotFound');
    expect(await c.task(id)).toMatchObject({ endReason: 'deleted', leaveCode: 0 });
    await sleep(AFTER_EXIT);
    expect((await c.describe(id)).Error.Code).toBe('ResourceNotFound');
  });

  test('the same UserId entering again kicks the earlier robot (LeaveCode 101); another SdkAppId or account cannot see a task', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    const first = await c.create(room);
    const second = await c.create(room);
    expect(second).not.toBe(first);
    expect(await c.task(first)).toMatchObject({ live: false, endReason: 'replaced', leaveCode: 101 });
    expect((await c.task(second)).live).toBe(true);
    expect((await c.describe(second, 1400000001)).Error.Code).toBe('ResourceNotFound');
  });
});

describe('file naming (spec §3.4)', () => {
  test('mixed mode: one <SdkAppId>_<RoomId>.m3u8 with empty UserId; string rooms are base64-encoded', async () => {
    const { c } = ctx;
    const id = await c.create('Room_A', { RoomIdType: 0 }, { RecordMode: 2 });
    await sleep(AFTER_JOIN);
    const d = await c.describe(id);
    expect(d.StorageFileList).toEqual([{ UserId: '', FileName: `${APP}_${trtcBase64('Room_A')}.m3u8`, TrackType: 'audio_video', BeginTimeStamp: expect.any(Number) }]);
  });

  test('AvMerge 1 gives one audio_video file per user; StreamType 1 gives audio only; FileNamePrefix builds the object key', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    await c.room(room, ['alice', 'bob']);
    const merged = await c.create(room, { StorageParams: { CloudStorage: { ...COS, FileNamePrefix: ['p1', 'p2'] } } }, { AvMerge: 1 });
    const audio = await c.create(room, { UserId: 'rec_audio' }, { StreamType: 1 });
    await sleep(AFTER_JOIN);
    const m = await c.describe(merged);
    expect(m.StorageFileList.map((f: any) => [f.UserId, f.TrackType])).toEqual([['alice', 'audio_video'], ['bob', 'audio_video']]);
    expect(m.StorageFileList[0].FileName).toMatch(/__UserId_e_main_audio_video\.m3u8$/);
    expect((await c.task(merged)).files[0].key).toBe(`p1/p2/${merged}/${m.StorageFileList[0].FileName}`);
    expect((await c.describe(audio)).StorageFileList.map((f: any) => f.TrackType)).toEqual(['audio', 'audio']);
  });

  test('subscription lists (with the .*$ prefix rule) decide whose streams are recorded', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    await c.room(room, ['guest1', 'guest2', 'host']);
    const id = await c.create(room, {}, { SubscribeStreamUserIds: { SubscribeAudioUserIds: ['guest.*$'], UnSubscribeVideoUserIds: ['guest2'] } });
    await sleep(AFTER_JOIN);
    const files = (await c.describe(id)).StorageFileList.map((f: any) => `${f.UserId}/${f.TrackType}`).sort();
    expect(files).toEqual(['guest1/audio', 'guest1/video', 'guest2/audio', 'host/video']);
  });

  test('VOD tasks list no files in Describe', async () => {
    const { c } = ctx;
    const id = await c.create(uniqueRoom(), { StorageParams: { CloudVod: { TencentVod: {} } } });
    await sleep(AFTER_JOIN);
    expect(await c.describe(id)).toMatchObject({ Status: 'InProgress', StorageFileList: [] });
  });
});

describe('high availability re-pull', () => {
  test('each failover adds ha<N>_ files after a rejoin; a 4th ends the task (LeaveCode 3)', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    const id = await c.create(room, {}, { RecordMode: 2 });
    await sleep(AFTER_JOIN);
    for (const n of [1, 2, 3]) {
      const r = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/failover`);
      expect(r.status).toBe(200);
      expect(r.body.task.ha).toBe(n);
      expect((await c.describe(id)).Status).toBe('Idle'); // rejoining
      await sleep(AFTER_JOIN);
    }
    const names = (await c.describe(id)).StorageFileList.map((f: any) => f.FileName);
    expect(names).toEqual([`${APP}_${room}.m3u8`, `ha1_${APP}_${room}.m3u8`, `ha2_${APP}_${room}.m3u8`, `ha3_${APP}_${room}.m3u8`]);
    const fourth = await c.control('POST', `/__emulator/tasks/${encodeURIComponent(id)}/failover`);
    expect(fourth.status).toBe(409);
    expect(fourth.body.task).toMatchObject({ live: false, endReason: 'ha-failed', leaveCode: 3 });
  });
});

describe('ModifyCloudRecording', () => {
  test('each object given replaces the previous one whole; layout only on mixed tasks', async () => {
    const { c } = ctx;
    const room = uniqueRoom();
    await c.room(room, ['u1', 'u2']);
    const mixed = await c.create(room, { UserId: 'rec_mix' }, { RecordMode: 2 });
    const layout = { MixLayoutMode: 4, MixLayoutList: [{ UserId: 'u1', Top: 0, Left: 0, Width: 100, Height: 100 }] };
    expect((await c.modify(mixed, { MixLayoutParams: layout, SubscribeStreamUserIds: { SubscribeVideoUserIds: ['u1'] } })).TaskId).toBe(mixed);
    expect((await c.modify(mixed, { SubscribeStreamUserIds: { SubscribeAudioUserIds: ['u2'] } })).TaskId).toBe(mixed);
    const t = await c.task(mixed);
    expect(t.subscribe).toEqual({ SubscribeAudioUserIds: ['u2'] }); // not merged with the earlier video list
    expect(t.layout).toEqual(layout); // omitted object left as it was
    expect(t.modifyCount).toBe(2);
    const single = await c.create(room, { UserId: 'rec_single' });
    expect((await c.modify(single, { MixLayoutParams: { MixLayoutMode: 3 } })).Error.Code).toBe('FailedOperation.CRUnsupportMethod');
    expect((await c.modify(single, {})).Error.Code).toBe('InvalidParameter');
  });
});
