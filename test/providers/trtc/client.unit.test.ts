import { describeOutcome, TrtcClient, trtcErrorClass } from '../../../src/providers/trtc';

const base = { secretId: 'AKIDx', secretKey: 'secret-key-value', region: 'ap-guangzhou' };

test.each([
  [{ ...base, secretId: '' }, /secretId/],
  [{ ...base, secretKey: '' }, /secretKey/],
  [{ ...base, region: '' }, /region/],
  [{ ...base, baseUrl: 'ftp://x' }, /baseUrl/],
  [{ ...base, baseUrl: 'http://h/v1' }, /baseUrl must have no path/],
  [{ ...base, baseUrl: 'http://u:p@h' }, /credentials/],
  [{ ...base, timeoutMs: 0 }, /timeoutMs/],
  [{ ...base, maxRequestsPerSecond: -1 }, /maxRequestsPerSecond/],
])('bad config is named and never echoes the key (%#)', (config, re) => {
  expect(() => new TrtcClient(config)).toThrow(re);
  try {
    new TrtcClient(config).close();
  } catch (e) {
    expect(String((e as Error).message)).not.toContain('secret-key-value');
  }
});

test('defaults to the real endpoint over https', () => {
  const c = new TrtcClient(base);
  expect(c.baseUrl).toBe('https://trtc.tencentcloudapi.com');
  c.close();
});

test.each([
  ['InvalidParameter.OutOfRange', 'invalid-parameter'],
  ['UnknownParameter', 'invalid-parameter'],
  ['MissingParameter.UserSig', 'missing-parameter'],
  ['AuthFailure.SignatureFailure', 'auth'],
  ['InternalError.CRInternalError', 'internal'],
  ['FailedOperation.RestrictedConcurrency', 'restricted-concurrency'],
  ['RequestLimitExceeded.UinLimitExceeded', 'rate-limited'],
  ['ResourceNotFound', 'not-found'],
  ['FailedOperation.TaskNotExist', 'not-found'],
  ['FailedOperation.CRUnsupportMethod', 'failed-operation'],
  ['ResourceUnavailable', 'other'],
])('trtcErrorClass(%s) = %s', (code, cls) => {
  expect(trtcErrorClass(code)).toBe(cls);
});

test('describeOutcome: one line per kind', () => {
  expect(describeOutcome('DeleteCloudRecording', { kind: 'ok', body: {}, requestId: 'r1' })).toBe('trtc DeleteCloudRecording: ok (RequestId r1)');
  expect(describeOutcome('X', { kind: 'error', code: 'ResourceNotFound', message: 'gone', requestId: '', errorClass: 'not-found' })).toBe(
    'trtc X: ResourceNotFound (not-found): gone (RequestId none)',
  );
  expect(describeOutcome('X', { kind: 'http-error', httpStatus: 502, message: 'Bad Gateway' })).toBe('trtc X: HTTP 502 Bad Gateway');
  expect(describeOutcome('X', { kind: 'network', error: 'e', timedOut: true })).toBe('trtc X: network timeout (e)');
  expect(describeOutcome('X', { kind: 'network', error: 'e', timedOut: false, aborted: true })).toBe('trtc X: network aborted (e)');
  expect(describeOutcome('X', { kind: 'invalid-request', error: 'RoomId: bad', issues: [] })).toBe('trtc X: invalid-request: RoomId: bad');
  for (const s of ['x', 'y', 'z']) expect(describeOutcome('X', { kind: 'invalid-response', error: s })).not.toContain('\n');
});
