import { inflateSync } from 'node:zlib';
import { mintUserSig } from '../../../src/providers/trtc';

const KEY = 'sdk-secret-key-never-in-errors';

function decode(sig: string) {
  const b64 = sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString());
}

test('mints a tls-sig v2 UserSig for the identity with the requested lifetime', () => {
  const now = Math.floor(Date.now() / 1000);
  const doc = decode(mintUserSig(1400188366, KEY, 'rec_room_1', 7 * 86400));
  expect(doc).toMatchObject({ 'TLS.ver': '2.0', 'TLS.identifier': 'rec_room_1', 'TLS.sdkappid': 1400188366, 'TLS.expire': 7 * 86400 });
  expect(Math.abs(doc['TLS.time'] - now)).toBeLessThanOrEqual(2);
  expect(JSON.stringify(doc)).not.toContain(KEY);
});

test.each([
  [() => mintUserSig(0, KEY, 'u', 60), /sdkAppId/],
  [() => mintUserSig(1.5, KEY, 'u', 60), /sdkAppId/],
  [() => mintUserSig(1400000000, '', 'u', 60), /sdkSecretKey/],
  [() => mintUserSig(1400000000, KEY, 'has space', 60), /userId/],
  [() => mintUserSig(1400000000, KEY, 'x'.repeat(33), 60), /userId/],
  [() => mintUserSig(1400000000, KEY, 'u', 0), /expireSeconds/],
  [() => mintUserSig(1400000000, KEY, 'u', 181 * 86400), /expireSeconds/],
])('bad input names the argument and never the key (%#)', (fn, re) => {
  expect(fn).toThrow(re);
  try {
    fn();
  } catch (e) {
    expect(String((e as Error).message)).not.toContain(KEY);
  }
});
