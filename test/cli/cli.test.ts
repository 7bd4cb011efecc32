import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli';
import type { RecordingListItem, RecordingState, RecordingSummary, UpdateResult } from '../../src/client';
import { APP_ID, fastTimings, RecordingEnv, TRTC_APP } from '../support/recording-env';
import { testAddress } from '../support/temporal';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('CLI', () => {
  let env: RecordingEnv;
  let globals: string[];

  beforeAll(async () => {
    env = await RecordingEnv.start();
    const { address, namespace } = testAddress();
    globals = ['--address', address, '--namespace', namespace, '--task-queue', env.client.taskQueue];
  });
  afterAll(async () => env?.stop());

  async function cli(...args: string[]): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli([...args, ...globals], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
    });
    return { code, stdout, stderr };
  }

  async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const v = await fn();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const newId = () => `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const optionsJson = JSON.stringify({ timings: fastTimings, recordingConfig: { maxIdleTime: 30 } });

  async function expectNothingFor(id: string): Promise<void> {
    const d = await cli('describe', id);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/not found/);
    const l = await cli('list', '--all', '--json');
    expect(l.code).toBe(0);
    expect((JSON.parse(l.stdout) as RecordingListItem[]).map((i) => i.recordingId)).not.toContain(id);
  }

  it('starts, describes, lists, updates and stops a recording', async () => {
    const id = newId();
    const channel = `room_${id}`;
    const started = await cli('start', '--recording-id', id, '--app-id', APP_ID, '--channel', channel, '--identities', '4001,4002', '--options-json', optionsJson, '--json');
    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(started.stdout)).toMatchObject({ recordingId: id, workflowId: `recording-${id}` });

    const state = await poll('phase recording', async () => {
      const r = await cli('describe', id, '--json');
      if (r.code !== 0) return undefined;
      const s = JSON.parse(r.stdout) as RecordingState;
      return s.phase === 'recording' ? s : undefined;
    });
    expect(state).toMatchObject({ recordingId: id, channel, identities: ['4001', '4002'] });
    const sid = state.segments[0].recorderId!;
    expect(sid).toMatch(/^[0-9a-f]{32}$/);

    const text = await cli('describe', id);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Phase:\s+recording/);
    expect(text.stdout).toMatch(/Identities:\s+4001, 4002/);
    expect(text.stdout).toContain(`recorder ${sid}`);
    expect(text.stdout).toMatch(/Next poll:/);
    // The Web UI link is a full URL: the dev server's by default, --ui-url (or TEMPORAL_UI_URL) otherwise.
    const { namespace } = testAddress();
    expect(text.stdout).toContain(`http://localhost:8233/namespaces/${namespace}/workflows/recording-${id}`);
    expect((await cli('describe', id, '--ui-url', 'https://temporal.example.com/')).stdout).toContain(`https://temporal.example.com/namespaces/${namespace}/workflows/recording-${id}`);
    expect((await cli('describe', id, '--ui-url', 'temporal.example.com')).stderr).toBe("error: --ui-url: must be an http(s) URL, got 'temporal.example.com'\n");

    const item = await poll('list --phase recording', async () => {
      const r = await cli('list', '--phase', 'recording', '--json');
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as RecordingListItem[]).find((i) => i.recordingId === id);
    });
    expect(item).toMatchObject({ status: 'RUNNING', phase: 'recording', channel, account: APP_ID });
    const table = await cli('list', '--channel', channel);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^RECORDING ID\s+STATUS\s+PHASE/);
    expect(table.stdout).toContain(id);

    const upd = await cli('update', id, '--subscribe-audio', '1001,1002', '--unsubscribe-video', '1003', '--json');
    expect(upd).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(upd.stdout) as UpdateResult).toMatchObject({ applied: true, recorderId: sid });
    const updBody = await cli('update', id, '--json', '{"subscribeVideoUids":["#allstream#"]}');
    expect(updBody.code).toBe(0);
    expect(updBody.stdout).toMatch(/^applied to the live recorder/);
    const lay = await cli('layout', id, '--layout', '1');
    expect(lay.code).toBe(0);
    const after = JSON.parse((await cli('describe', id, '--json')).stdout) as RecordingState;
    expect(after.desired).toMatchObject({ subscriptions: { subscribeVideoUids: ['#allstream#'] }, layout: { mixedVideoLayout: 1 } });
    const [task] = await env.tasks(channel);
    expect(task.updateCount).toBeGreaterThanOrEqual(2);

    const stopped = await cli('stop', id, '--reason', 'class over');
    expect(stopped).toMatchObject({ code: 0, stderr: '' });
    expect(stopped.stdout).toMatch(/Status:\s+stopped \(class over\)/);
    expect(stopped.stdout).toMatch(/Uploading:\s+uploaded/);
    expect(stopped.stdout).toContain(`Files (`);
    expect(stopped.stdout).toContain(`${sid}_${channel}.m3u8`);

    // A second stop finds the workflow closed and still prints its summary.
    const again = await cli('stop', id, '--json');
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as RecordingSummary;
    expect(summary).toMatchObject({ recordingId: id, status: 'stopped', uploadingStatus: 'uploaded' });
    expect(summary.files).toContain(`${sid}_${channel}.m3u8`);

    const all = await poll('list --all shows it completed', async () => {
      const r = await cli('list', '--all', '--channel', channel, '--json');
      const found = (JSON.parse(r.stdout) as RecordingListItem[]).find((i) => i.recordingId === id);
      return found?.status === 'COMPLETED' ? found : undefined;
    });
    expect(all.recordingId).toBe(id);

    // A finished recording's id is not reused: starting it again names the id and starts nothing.
    const reused = await cli('start', '--recording-id', id, '--app-id', APP_ID, '--channel', channel, '--options-json', optionsJson);
    expect(reused).toMatchObject({ code: 1, stdout: '', stderr: `error: recording ${id} already finished; use a new id\n` });
    expect((await env.tasks(channel)).filter((t) => t.live)).toEqual([]);
  });

  it('an id whose recording was terminated may be started again: a new run', async () => {
    const id = newId();
    const channel = `room_${id}`;
    const first = JSON.parse((await cli('start', '--recording-id', id, '--app-id', APP_ID, '--channel', channel, '--options-json', optionsJson, '--json')).stdout) as { runId: string };
    await env.client.temporal.workflow.getHandle(`recording-${id}`).terminate('test: terminated by hand');
    const second = await cli('start', '--recording-id', id, '--app-id', APP_ID, '--channel', channel, '--options-json', optionsJson, '--json');
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { runId: string }).runId).not.toBe(first.runId);
    await env.waitForState(id, (s) => s.phase === 'recording');
    expect((await cli('stop', id)).code).toBe(0);
  });

  it('stop --no-wait only signals', async () => {
    const id = newId();
    expect((await cli('start', '--recording-id', id, '--app-id', APP_ID, '--channel', `room_${id}`, '--options-json', optionsJson)).code).toBe(0);
    const r = await cli('stop', id, '--no-wait');
    expect(r).toMatchObject({ code: 0, stdout: `stop requested for ${id}\n` });
    await env.waitForState(id, (s) => s.phase === 'stopped');
  });

  it('an update the workflow rejects exits 1 with its reason', async () => {
    const id = newId();
    const opts = JSON.stringify({ timings: fastTimings, recordingConfig: { maxIdleTime: 30, subscribeUidGroup: 0 } });
    expect((await cli('start', '--recording-id', id, '--app-id', APP_ID, '--channel', `room_${id}`, '--mode', 'individual', '--options-json', opts)).code).toBe(0);
    const r = await cli('layout', id, '--layout', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: update rejected: .*mix mode only/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cli('stop', id)).code).toBe(0);
  });

  it('starts, updates and stops a TRTC recording (--provider trtc --sdk-app-id --room)', async () => {
    const id = newId();
    const room = String(300_000 + Math.floor(Math.random() * 1_000_000));
    const opts = JSON.stringify({ timings: fastTimings, maxIdleTime: 30 });
    const started = await cli('start', '--recording-id', id, '--provider', 'trtc', '--sdk-app-id', String(TRTC_APP), '--room', room, '--record-mode', 'mixed', '--identities', 'robot_a,robot_b', '--options-json', opts, '--json');
    expect(started).toMatchObject({ code: 0, stderr: '' });
    const state = await poll('phase recording', async () => {
      const r = await cli('describe', id, '--json');
      if (r.code !== 0) return undefined;
      const s = JSON.parse(r.stdout) as RecordingState;
      return s.phase === 'recording' ? s : undefined;
    });
    expect(state).toMatchObject({ provider: 'trtc', account: String(TRTC_APP), channel: room, identities: ['robot_a', 'robot_b'] });
    const upd = await cli('update', id, '--json', '{"SubscribeAudioUserIds":["anchor1"]}', '--json');
    expect(upd).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(upd.stdout)).toMatchObject({ applied: true, recorderId: state.segments[0].recorderId });
    const [task] = (await env.trtcTasks(room)).filter((t) => t.live);
    expect(task).toMatchObject({ userId: 'robot_a', subscribe: { SubscribeAudioUserIds: ['anchor1'] } });
    const stopped = await cli('stop', id, '--json');
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ provider: 'trtc', status: 'stopped' });
    expect((await env.trtcTasks(room)).filter((t) => t.live)).toEqual([]);
  });

  it.each(['start', 'stop', 'update', 'layout', 'describe', 'list'])('%s --help lists its options', async (command) => {
    const r = await cli(command, '--help');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`^Usage: .* ${command} `));
    for (const opt of ['--address', '--namespace', '--task-queue', '--json']) expect(r.stdout).toContain(opt);
    const own: Record<string, string[]> = {
      start: ['--recording-id', '--app-id', '--channel', '--mode', '--identities', '--storage-profile', '--max-idle-time', '--subscribe-audio', '--subscribe-video', '--options-json'],
      stop: ['--reason', '--no-wait'],
      update: ['--subscribe-audio', '--unsubscribe-audio', '--subscribe-video', '--unsubscribe-video'],
      layout: ['--layout'],
      describe: [],
      list: ['--phase', '--channel', '--app-id', '--all', '--limit'],
    };
    for (const opt of own[command]) expect(r.stdout).toContain(opt);
  });

  it('top-level --help and help <command>', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const c of ['start', 'stop', 'update', 'layout', 'describe', 'list']) expect(top.stdout).toContain(`  ${c}`);
    const h = await cli('help', 'stop');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--no-wait');
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing command');
  });

  describe('bad arguments exit 2 and start nothing', () => {
    const base = (id: string) => ['start', '--recording-id', id, '--app-id', APP_ID, '--options-json', optionsJson];
    const cases: Array<[string, (id: string) => string[], RegExp]> = [
      ['unknown option', (id) => [...base(id), '--channel', 'room', '--bogus'], /unknown option --bogus/],
      ['missing --channel', (id) => base(id), /missing required option --channel/],
      ['uid "0"', (id) => [...base(id), '--channel', 'room', '--identities', '0,2'], /identities\.0 \(--identities\): must be .*1\.\.4294967295/],
      ['--mode foo', (id) => [...base(id), '--channel', 'room', '--mode', 'foo'], /mode \(--mode\):.*"mix"/],
      ["a channel with '/'", (id) => [...base(id), '--channel', 'room/1'], /channel \(--channel\): has a character outside/],
      ['one identity only', (id) => [...base(id), '--channel', 'room', '--identities', '5'], /identities \(--identities\): needs at least 2/],
      ['--max-idle-time not a number', (id) => [...base(id), '--channel', 'room', '--max-idle-time', 'soon'], /--max-idle-time: must be an integer/],
      ['timings above maxIdleTime', (id) => ['start', '--recording-id', id, '--app-id', APP_ID, '--channel', 'room', '--max-idle-time', '5'], /monitorIntervalMs/],
      ['--options-json not JSON', (id) => [...base(id), '--channel', 'room', '--options-json', '{nope'], /--options-json: invalid JSON/],
      ['unknown field in --options-json', (id) => [...base(id), '--channel', 'room', '--options-json', '{"colour":"red"}'], /colour/],
      ['an Agora flag on a TRTC recording', (id) => ['start', '--recording-id', id, '--provider', 'trtc', '--app-id', APP_ID], /--app-id is not a trtc option; use --sdk-app-id/],
      ['TRTC without --room', (id) => ['start', '--recording-id', id, '--provider', 'trtc', '--sdk-app-id', String(TRTC_APP)], /missing required option --room \(channel\)/],
      ['a TRTC string room without --room-id-type 0', (id) => ['start', '--recording-id', id, '--provider', 'trtc', '--sdk-app-id', String(TRTC_APP), '--room', 'math_101', '--options-json', optionsJson], /channel \(--room\): must be an integer room id/],
      ['an unknown provider', (id) => ['start', '--recording-id', id, '--provider', 'zoom'], /--provider: must be one of agora, trtc/],
    ];
    it.each(cases)('%s', async (_name, args, message) => {
      const id = newId();
      const r = await cli(...args(id));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      await expectNothingFor(id);
    });

    it('update, layout, list and describe validate before they connect', async () => {
      const expectations: Array<[string[], RegExp]> = [
        [['update', 'x', '--subscribe-audio', '0'], /subscriptions\.subscribeAudioUids\.0 \(--subscribe-audio\)/],
        [['update', 'x', '--subscribe-audio', '1', '--unsubscribe-audio', '2'], /cannot be used together/],
        [['update', 'x'], /update needs one of/],
        [['layout', 'x', '--layout', '7'], /--layout: must be between 0 and 3/],
        [['layout', 'x', '--layout', '2'], /layout\.maxResolutionUid/],
        [['list', '--phase', 'sleeping'], /--phase: must be one of/],
        [['list', '--limit', '0'], /--limit/],
        [['describe'], /missing recording id/],
        [['describe', 'a/b'], /recording id/],
        [['describe', 'a', 'b'], /unexpected argument 'b'/],
        [['frobnicate'], /unknown command 'frobnicate'/],
        [['stop', 'x', '--reason'], /option --reason needs a value/],
      ];
      for (const [args, message] of expectations) {
        const r = await cli(...args);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(message);
      }
    });
  });

  it('runtime failures exit 1 with a message', async () => {
    const missing = await cli('describe', 'no-such-recording');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error: recording 'no-such-recording' not found (no workflow recording-no-such-recording)\n");
    const stop = await cli('stop', 'no-such-recording');
    expect(stop.code).toBe(1);
    expect(stop.stderr).toMatch(/not found/);
    const upd = await cli('update', 'no-such-recording', '--subscribe-audio', '1');
    expect(upd.code).toBe(1);

    let stderr = '';
    const code = await runCli(['list', '--address', '127.0.0.1:1'], { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, env: {} });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: cannot connect to Temporal at 127\.0\.0\.1:1/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs as a real process', async () => {
    const run = promisify(execFile);
    const help = await run('npx', ['tsx', 'src/cli.ts', '--help'], { cwd: ROOT });
    expect(help.stdout).toMatch(/^Usage: .*<command>/);
    expect(help.stdout).toContain('describe');

    const bad = await run('npx', ['tsx', 'src/cli.ts', 'list', '--phase', 'nope'], { cwd: ROOT }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--phase/);

    const { address, namespace } = testAddress();
    const t0 = Date.now();
    const miss = await run('npx', ['tsx', 'src/cli.ts', 'describe', 'nope', '--address', address, '--namespace', namespace], { cwd: ROOT }).catch((e) => e);
    expect(miss.code).toBe(1);
    expect(miss.stderr).toMatch(/not found/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
