/** The Python verifier in docs/notifications.md, run against what the worker signs: the docs cannot drift. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signatureHeader } from '../../src/notifications/sign';
import { sampleNotification } from './samples';

const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/notifications.md'), 'utf8');
const verifier = /```python\n([\s\S]*?)```/.exec(doc)![1];
const secret = 'notify-secret-Kp4Wq9Zr2Lx7';

function python(body: string, header: string): { status: number | null; out: string } {
  const script = `${verifier}\nimport sys\ntry:\n    print(verify_notification(sys.stdin.buffer.read(), sys.argv[1], sys.argv[2])["id"])\nexcept ValueError as e:\n    print("refused:", e)\n`;
  const r = spawnSync('python3', ['-c', script, header, secret], { input: body, encoding: 'utf8' });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

describe('the documented Python verifier', () => {
  const body = JSON.stringify(sampleNotification('recording.uploaded'));

  it('accepts what the worker signs', () => {
    expect(python(body, signatureHeader(body, secret))).toEqual({ status: 0, out: 'recording-r1:recording.uploaded:1' });
  });

  it('refuses a tampered body and a replayed (old) timestamp', () => {
    expect(python(body.replace('math_101', 'math_102'), signatureHeader(body, secret)).out).toBe('refused: signature does not match the body');
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect(python(body, signatureHeader(body, secret, old)).out).toBe('refused: timestamp outside the tolerance (replay?)');
  });
});
