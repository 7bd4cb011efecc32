import fs from 'node:fs';
import path from 'node:path';
import { commonTimings } from '../../src/contract/timings';
import { timingsSchema } from '../../src/contract/timing-schemas';
import { agoraSpec } from '../../src/providers/agora/spec';
import { trtcSpec } from '../../src/providers/trtc/spec';

/** docs/cli.md's timings table is what a user reads: every key, with the defaults the code really has. */
describe('docs/cli.md timings table', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/cli.md'), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `(\w+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], [m[2].trim(), m[3].trim(), m[4].trim()]]));
  const text = (v: number | number[]) => (Array.isArray(v) ? v.join(', ') : String(v));

  it.each(Object.keys(timingsSchema.shape))('%s: listed with its Agora and TRTC defaults and a rule', (key) => {
    const k = key as keyof typeof commonTimings;
    expect(rows.get(key)).toEqual([text(agoraSpec.timings[k]), text(trtcSpec.timings[k]), expect.stringMatching(/\w/)]);
  });

  it('lists no key the schema does not have', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(timingsSchema.shape).sort());
  });
});
