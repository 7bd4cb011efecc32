import { decodeTrtcFileBase64, parseRecordingFileName, roomIdInFileName, trtcFileBase64 } from '../../../src/providers/trtc';

test('special base64 matches the spec §3.4 examples and round-trips', () => {
  expect(trtcFileBase64('1686119')).toBe('MTY4NjExOQ..');
  expect(trtcFileBase64('anchor1')).toBe('YW5jaG9yMQ..');
  expect(trtcFileBase64('???')).toBe('Pz8-');
  expect(trtcFileBase64('u???1')).toBe('dT8-PzE.');
  for (const s of ['???', 'u???1', 'anchor1']) expect(decodeTrtcFileBase64(trtcFileBase64(s))).toBe(s);
  expect(roomIdInFileName('3560')).toBe('3560');
  expect(roomIdInFileName('room a', 0)).toBe(trtcFileBase64('room a'));
});

test('parses single-stream, mixed, ts, mp4 and ha names', () => {
  expect(parseRecordingFileName('p/TASK/1400188366_3560__UserId_s_YW5jaG9yMQ..__UserId_e_main_audio.m3u8')).toEqual({
    ha: 0, sdkAppId: 1400188366, roomIdInName: '3560', userId: 'anchor1', mediaId: 'main', type: 'audio', ext: 'm3u8', suffix: null,
  });
  expect(parseRecordingFileName('ha2_1400188366_3560__UserId_s_YW5jaG9yMQ..__UserId_e_aux_video_20330531094551825.ts')).toMatchObject({
    ha: 2, mediaId: 'aux', type: 'video', ext: 'ts', suffix: '20330531094551825',
  });
  expect(parseRecordingFileName('20032332_1038631851__UserId_s_YW5jaG9yMQ..__UserId_e_main.mp4')).toMatchObject({ type: null, ext: 'mp4', suffix: null });
  expect(parseRecordingFileName('ha1_1400188366_3560.m3u8')).toEqual({ ha: 1, sdkAppId: 1400188366, roomIdInName: '3560', userId: null, mediaId: null, type: null, ext: 'm3u8', suffix: null });
  expect(parseRecordingFileName('1400188366_3560_2.mp4')).toMatchObject({ ext: 'mp4', suffix: '2' });
  expect(parseRecordingFileName('notes.txt')).toBeNull();
});
