import { createHmac } from 'node:crypto';
import { NotificationSignatureError, signatureHeader, verifyNotification } from '../../src/notifications/sign';

const secret = 'whsec-test-0123456789abcdef';
const body = JSON.stringify({ id: 'recording-a:recording.started:1', type: 'recording.started', data: { channel: 'math_101' } });
const now = 1_760_000_000;

describe('notification signatures (t=<unix s>,v1=<hmac>)', () => {
  it('round-trips: what signatureHeader signs, verifyNotification accepts and parses', () => {
    const header = signatureHeader(body, secret, now);
    expect(header).toMatch(/^t=1760000000,v1=[0-9a-f]{64}$/);
    expect(verifyNotification(body, header, secret, 300, now + 10)).toEqual(JSON.parse(body));
    expect(verifyNotification(Buffer.from(body), header, secret, 300, now)).toEqual(JSON.parse(body));
  });

  it('is HMAC-SHA256 over "<t>.<raw body>", so any language can check it', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signatureHeader(body, secret, now)).toBe(`t=${now},v1=${expected}`);
  });

  it('rejects a tampered body, a wrong secret and a swapped timestamp', () => {
    const header = signatureHeader(body, secret, now);
    const tampered = body.replace('math_101', 'math_102');
    expect(() => verifyNotification(tampered, header, secret, 300, now)).toThrow('signature does not match the body');
    expect(() => verifyNotification(body, header, 'another-secret-0123456789', 300, now)).toThrow(NotificationSignatureError);
    // Moving the timestamp forward to dodge the replay check breaks the signature.
    const moved = header.replace(`t=${now}`, `t=${now + 1000}`);
    expect(() => verifyNotification(body, moved, secret, 300, now + 1000)).toThrow('signature does not match the body');
  });

  it('rejects a replay once the timestamp is older than the tolerance, and one from the future', () => {
    const header = signatureHeader(body, secret, now);
    expect(() => verifyNotification(body, header, secret, 300, now + 301)).toThrow('outside the 300 s tolerance');
    expect(() => verifyNotification(body, header, secret, 300, now - 301)).toThrow('outside the 300 s tolerance');
    expect(verifyNotification(body, header, secret, 300, now + 300).type).toBe('recording.started');
  });

  it('rejects a missing or malformed header, naming what is wrong', () => {
    expect(() => verifyNotification(body, undefined, secret)).toThrow('missing X-Recording-Signature header');
    expect(() => verifyNotification(body, 'v1=' + 'a'.repeat(64), secret)).toThrow('no timestamp');
    expect(() => verifyNotification(body, `t=${now}`, secret, 300, now)).toThrow('no v1 signature');
    expect(() => verifyNotification(body, `t=${now},v1=zz`, secret, 300, now)).toThrow('no v1 signature');
  });

  it('accepts either secret during a rotation, and any of several v1 values', () => {
    const header = signatureHeader(body, secret, now);
    expect(verifyNotification(body, header, ['new-secret-0123456789abcd', secret], 300, now).id).toBe('recording-a:recording.started:1');
    const other = signatureHeader(body, 'new-secret-0123456789abcd', now).split(',')[1];
    expect(verifyNotification(body, `${header},${other}`, 'new-secret-0123456789abcd', 300, now).id).toBe('recording-a:recording.started:1');
  });
});
