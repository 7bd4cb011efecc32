/**
 * start-overhead: N recordings through the workflow and N through a bare script that calls the
 * project's AgoraClient directly, interleaved in one run against one emulator.
 *
 * Fairness: both paths wait exactly firstQueryDelayMs (5 s, the workflow's default) after they
 * hold the sid, then the bare script queries every second and the workflow on its confirm
 * schedule (10, 15 … s); with the emulator's start delay below 5 s both confirm on the first
 * query, which the table checks. Each path has its own App ID (its own 10 QPS at the emulator)
 * and the same request budget: the bare script's AgoraClient gets the worker's
 * agora.maxRequestsPerSecond (the client's own per-App-ID pacing, as in the worker process). Recording i of each path starts at i·arrival
 * (workflow) and i·arrival + arrival/2 (bare), so machine load falls on both alike.
 *
 * --provider trtc runs the same comparison on Tencent TRTC: the bare script uses the project's
 * TrtcClient with the worker's trtc.maxRequestsPerSecond, creates with a freshly minted UserSig and
 * the RecordParams/StorageParams the adapter sends, waits TRTC's first-describe delay (15 s) and then
 * describes every second until Status InProgress. Each path has its own SdkAppId (both known to the
 * emulator, so their UserSigs are verified); both share the emulator's one account, whose QPS limit
 * is raised to twice the vendor's 20 so the two budgets never starve each other.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AgoraClient, serverResponseView } from '../src/providers/agora';
import { commonTimings as defaultTimings } from '../src/contract/timings';
import { isRecordingStatus } from '../src/providers/agora/answers';
import { deriveUids } from '../src/providers/agora/spec';
import { mintUserSig, TrtcClient } from '../src/providers/trtc';
import { trtcSpec } from '../src/providers/trtc/spec';
import { appIdFor, sdkAppIdFor, startRig } from './lib/rig';
import { finish, loadavg, progress, table } from './lib/results';
import { rounded, sleep, summarize } from './lib/stats';

interface Sample {
  path: 'workflow' | 'bare';
  i: number;
  cname: string;
  /** The workflow's recording id when it differs from the channel (TRTC: the channel is the room). */
  recordingId?: string;
  t0: number;
  confirmedAt?: number;
  queries?: number;
  error?: string;
}

const USAGE =
  'usage: npm run bench -- start-overhead [--provider agora|trtc] [--n 50] [--warmup 3] [--arrival-ms 1000] [--start-delay-ms 3000] [--qps <budget>] [--json]';

function usageExit(message?: string): never {
  // Synchronous, so the text is out before the exit.
  fs.writeSync(message ? 2 : 1, message ? `start-overhead: ${message} (see npm run bench -- start-overhead --help)\n` : `${USAGE}\n`);
  process.exit(message ? 2 : 0);
}

export async function run(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) usageExit();
  let parsed;
  try {
    parsed = parseArgs({
    args: argv,
    options: {
      provider: { type: 'string', default: 'agora' },
      n: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '3' },
      'arrival-ms': { type: 'string', default: '1000' },
      'start-delay-ms': { type: 'string', default: '3000' },
      qps: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  } catch (err) {
    usageExit((err as Error).message.split('\n')[0]);
  }
  const f = parsed.values;
  const provider = f.provider!;
  if (provider !== 'agora' && provider !== 'trtc') usageExit(`--provider must be agora or trtc, got '${provider}'`);
  const numeric: ('n' | 'warmup' | 'arrival-ms' | 'start-delay-ms' | 'qps')[] = ['n', 'warmup', 'arrival-ms', 'start-delay-ms', ...(f.qps === undefined ? [] : (['qps'] as const))];
  for (const k of numeric) {
    const v = Number(f[k]);
    if (!Number.isFinite(v) || v < 0 || (k === 'n' && v < 1)) usageExit(`--${k} must be a ${k === 'n' ? 'positive' : 'non-negative'} number, got '${String(f[k])}'`);
  }
  const n = Number(f.n);
  const warmup = Number(f.warmup);
  const arrivalMs = Number(f['arrival-ms']);
  const startDelayMs = Number(f['start-delay-ms']);
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const total = n + warmup;
  const trtc = provider === 'trtc';
  const APP_WF = trtc ? String(sdkAppIdFor(11)) : appIdFor('sowf');
  const APP_BARE = trtc ? String(sdkAppIdFor(12)) : appIdFor('sobare');

  const rig = await startRig({
    name: 'start-overhead',
    provider,
    appIds: [APP_WF],
    extraAppIds: trtc ? [APP_BARE] : undefined,
    startDelayMs,
    // TRTC's QPS is per account and both paths sign with the emulator's one account: twice the vendor's 20.
    emulatorQps: trtc ? 40 : undefined,
    maxConcurrent: trtc ? 2 * total + 10 : total + 10,
    workerQps: f.qps === undefined ? undefined : Number(f.qps),
  });
  const budget = trtc ? rig.config.trtc!.maxRequestsPerSecond : rig.config.agora!.maxRequestsPerSecond;
  // Production timings: the provider's own first-query delay (Agora 5 s, TRTC 15 s).
  const firstQueryDelayMs = trtc ? trtcSpec.timings.firstQueryDelayMs : defaultTimings.firstQueryDelayMs;
  const tag = Date.now().toString(36);
  // Integer TRTC rooms, distinct per run and path.
  const roomBase = 100_000_000 + (Date.now() % 1_000_000) * 1_000;
  const names = (p: 'wf' | 'bare', i: number) => (trtc ? String(roomBase + (p === 'wf' ? 0 : 500) + i) : `so_${p}_${tag}_${i}`);

  // The project's client with the worker's settings, including its request pacing
  // (maxRequestsPerSecond; a client without that option simply ignores it).
  let bareStart: (cname: string, s: Sample) => Promise<void>;
  let closeBare: () => Promise<void> | void;
  if (trtc) {
    const c = rig.config.trtc!;
    const bare = new TrtcClient({ baseUrl: c.baseUrl, secretId: c.secretId, secretKey: c.secretKey, region: c.region, timeoutMs: c.timeoutMs, maxRequestsPerSecond: budget });
    closeBare = () => bare.close();
    const sdkAppId = Number(APP_BARE);
    const sdkSecretKey = rig.sdkSecretKeys[APP_BARE];
    const storage = c.storageProfiles.default;
    bareStart = async (room, s) => {
      const userId = `bench_bare_${tag}_${s.i}`;
      // The adapter's create for a 'mixed' recording with the request's defaults.
      const cr = await bare.createCloudRecording({
        SdkAppId: sdkAppId,
        RoomId: room,
        RoomIdType: 1,
        UserId: userId,
        UserSig: mintUserSig(sdkAppId, sdkSecretKey, userId, 72 * 3600 + 86_400),
        RecordParams: { RecordMode: 2, MaxIdleTime: 300, StreamType: 0 },
        StorageParams: storage,
        ResourceExpiredHour: 72,
      });
      if (cr.kind !== 'ok') throw new Error(`create ${cr.kind}`);
      const taskId = cr.body.TaskId;
      await sleep(firstQueryDelayMs);
      for (let q = 1; q <= 90; q++) {
        const r = await bare.describeCloudRecording({ SdkAppId: sdkAppId, TaskId: taskId });
        if (r.kind === 'ok' && r.body.Status === 'InProgress') {
          s.confirmedAt = Date.now();
          s.queries = q;
          return;
        }
        await sleep(1000);
      }
      throw new Error('no Status InProgress within 90 describes');
    };
  } else {
    const bareConfig = {
      baseUrls: rig.config.agora!.baseUrls,
      customerId: rig.config.agora!.customerId,
      customerSecret: rig.config.agora!.customerSecret,
      timeoutMs: rig.config.agora!.timeoutMs,
      maxRequestsPerSecond: budget,
    };
    const bare = new AgoraClient(bareConfig);
    closeBare = () => bare.close();
    const profile = rig.config.agora!.storageProfiles.default;
    bareStart = async (cname, s) => {
      const uid = deriveUids(cname, 1)[0];
      const a = await bare.acquire(APP_BARE, { cname, uid, clientRequest: { scene: 0, resourceExpiredHour: 72 } });
      if (a.kind !== 'ok') throw new Error(`acquire ${a.kind}`);
      const st = await bare.start(APP_BARE, a.body.resourceId, 'mix', {
        cname,
        uid,
        clientRequest: { storageConfig: { ...profile }, recordingConfig: { channelType: 0, streamTypes: 2, maxIdleTime: 300 }, recordingFileConfig: { avFileType: ['hls'] } },
      });
      if (st.kind !== 'ok') throw new Error(`start ${st.kind}`);
      const sid = st.body.sid;
      await sleep(firstQueryDelayMs);
      for (let q = 1; q <= 90; q++) {
        const r = await bare.query(APP_BARE, a.body.resourceId, sid, 'mix');
        if (r.kind === 'ok' && isRecordingStatus(serverResponseView(r.body.serverResponse).status)) {
          s.confirmedAt = Date.now();
          s.queries = q;
          return;
        }
        await sleep(1000);
      }
      throw new Error('no status 4/5 within 90 queries');
    };
  }

  async function viaWorkflow(i: number): Promise<Sample> {
    const cname = names('wf', i);
    const recordingId = trtc ? `so_wf_${tag}_${i}` : cname;
    const t0 = Date.now();
    try {
      // Production timings: no override.
      await rig.client.startRecording(
        trtc
          ? { provider: 'trtc', recordingId, sdkAppId: Number(APP_WF), channel: cname, recordMode: 'mixed', maxIdleTime: 300 }
          : { recordingId: cname, appId: APP_WF, channel: cname, mode: 'mix' },
      );
      return { path: 'workflow', i, cname, recordingId, t0 };
    } catch (err) {
      return { path: 'workflow', i, cname, recordingId, t0, error: (err as Error).message };
    }
  }

  async function viaBareScript(i: number): Promise<Sample> {
    const cname = names('bare', i);
    const t0 = Date.now();
    const s: Sample = { path: 'bare', i, cname, t0 };
    try {
      await bareStart(cname, s);
    } catch (err) {
      s.error = (err as Error).message;
    }
    return s;
  }

  progress(`starting ${total} recordings per path (${warmup} warm-up), one every ${arrivalMs} ms, interleaved; budget ${budget}/s per path`);
  const pending: Promise<Sample>[] = [];
  const runStart = Date.now();
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, runStart + i * arrivalMs - Date.now()));
    const first = i % 2 === 0 ? viaWorkflow : viaBareScript;
    const second = i % 2 === 0 ? viaBareScript : viaWorkflow;
    pending.push(first(i));
    pending.push(
      sleep(arrivalMs / 2).then(() => second(i)),
    );
  }
  const samples = await Promise.all(pending);
  // Read the workflow's own confirmation time only now: querying during the run would load the worker.
  const wfSamples = samples.filter((s) => s.path === 'workflow' && !s.error);
  const deadline = Date.now() + 120_000;
  for (const s of wfSamples) {
    while (s.confirmedAt === undefined && Date.now() < deadline) {
      const d = await rig.client.describeRecording(s.recordingId ?? s.cname).catch(() => undefined);
      const seg = d?.state?.segments[0];
      if (seg?.confirmedAt) {
        s.confirmedAt = Date.parse(seg.confirmedAt);
      } else if (d?.state?.phase === 'failed') {
        s.error = d.state.lastError ?? 'failed';
        break;
      } else await sleep(1000);
    }
    if (s.confirmedAt === undefined && !s.error) s.error = 'not confirmed';
  }
  await closeBare();

  // Where the time goes, from the emulator's request log (arrival times at the vendor); TRTC's
  // actions are named like Agora's steps (create, query) so one table serves both.
  const TRTC_OPS: Record<string, string> = { CreateCloudRecording: 'create', DescribeCloudRecording: 'query' };
  const log: { cname: string | null; op: string; at: number }[] = trtc
    ? (await rig.emulator.trtcRequests(runStart - 1000)).map((e) => ({ cname: e.roomId ?? '', op: TRTC_OPS[e.action ?? ''] ?? e.action ?? '', at: e.at }))
    : (await rig.emulator.requests(runStart - 1000)).map((e) => ({ cname: e.cname, op: e.op ?? '', at: e.at }));
  const firstAt = (cname: string, op: string) => log.find((e) => e.cname === cname && e.op === op)?.at;
  const queryCount = (cname: string) => log.filter((e) => e.cname === cname && e.op === 'query').length;

  const measured = samples.filter((s) => s.i >= warmup);
  const figures: Record<string, unknown> = { n, warmup, arrivalMs, startDelayMs, firstQueryDelayMs, budgetPerSecond: budget };
  const rows = [];
  const per: Record<string, ReturnType<typeof summarize>> = {};
  for (const p of ['workflow', 'bare'] as const) {
    const ok = measured.filter((s) => s.path === p && s.confirmedAt !== undefined);
    const errors = measured.filter((s) => s.path === p && s.confirmedAt === undefined);
    const lat = summarize(ok.map((s) => s.confirmedAt! - s.t0));
    per[p] = lat;
    const step = (a: (s: Sample) => number | undefined) => rounded(summarize(ok.map(a).filter((v): v is number => v !== undefined))).p50;
    const oneQuery = ok.filter((s) => queryCount(s.cname) === 1).length;
    const toQuery = (from: string) => step((s) => (firstAt(s.cname, 'query') ?? NaN) - (firstAt(s.cname, from) ?? NaN));
    const toConfirm = step((s) => s.confirmedAt! - (firstAt(s.cname, 'query') ?? NaN));
    if (trtc) {
      const toCreate = step((s) => (firstAt(s.cname, 'create') ?? NaN) - s.t0);
      const createToQuery = toQuery('create');
      rows.push([p, ok.length, errors.length, lat.p50, lat.p99, lat.max, toCreate, createToQuery, toConfirm, `${oneQuery}/${ok.length}`]);
      figures[p] = { ...rounded(lat), errors: errors.length, errorSample: errors[0]?.error, p50StepsMs: { toCreate, createToFirstDescribe: createToQuery, firstDescribeToConfirmed: toConfirm }, confirmedOnFirstQuery: oneQuery };
      continue;
    }
    const toAcquire = step((s) => (firstAt(s.cname, 'acquire') ?? NaN) - s.t0);
    const toStart = step((s) => (firstAt(s.cname, 'start') ?? NaN) - (firstAt(s.cname, 'acquire') ?? NaN));
    const startToQuery = toQuery('start');
    rows.push([p, ok.length, errors.length, lat.p50, lat.p99, lat.max, toAcquire, toStart, startToQuery, toConfirm, `${oneQuery}/${ok.length}`]);
    figures[p] = { ...rounded(lat), errors: errors.length, errorSample: errors[0]?.error, p50StepsMs: { toAcquire, acquireToStart: toStart, startToFirstQuery: startToQuery, firstQueryToConfirmed: toConfirm }, confirmedOnFirstQuery: oneQuery };
  }
  const ratioP50 = per.workflow.p50 && per.bare.p50 ? Number((per.workflow.p50 / per.bare.p50).toFixed(3)) : null;
  const ratioP99 = per.workflow.p99 && per.bare.p99 ? Number((per.workflow.p99 / per.bare.p99).toFixed(3)) : null;
  figures.ratioP50 = ratioP50;
  figures.ratioP99 = ratioP99;

  finish(
    {
      bench: 'start-overhead',
      provider,
      args: { n, warmup, arrivalMs, startDelayMs, qps: budget },
      figures,
      targets: {
        'ratio p50 (workflow / bare)': { target: '≤ 1.10', value: ratioP50, met: ratioP50 !== null && ratioP50 <= 1.1 },
        'ratio p99 (workflow / bare)': { target: '≤ 1.10', value: ratioP99, met: ratioP99 !== null && ratioP99 <= 1.1 },
      },
      loadavgStart: loadStart,
      startedAt,
    },
    [
      trtc
        ? table(
            `start → confirmed (Status InProgress), ms; ${n} per path after ${warmup} warm-up, start delay ${startDelayMs} ms, first describe ${firstQueryDelayMs} ms after the create`,
            ['path', 'ok', 'errors', 'p50', 'p99', 'max', 'p50 t0→create', 'p50 create→describe', 'p50 describe→confirmed', 'confirmed on 1st describe'],
            rows,
          )
        : table(
            `start → confirmed (status 4/5), ms; ${n} per path after ${warmup} warm-up, start delay ${startDelayMs} ms, first query ${firstQueryDelayMs} ms after the sid`,
            ['path', 'ok', 'errors', 'p50', 'p99', 'max', 'p50 t0→acquire', 'p50 acquire→start', 'p50 start→query', 'p50 query→confirmed', 'confirmed on 1st query'],
            rows,
          ),
      `ratio workflow/bare: p50 ${ratioP50}, p99 ${ratioP99}`,
    ],
    f.json!,
  );
}
