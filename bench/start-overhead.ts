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
 */
import { parseArgs } from 'node:util';
import { AgoraClient, serverResponseView } from '../src/providers/agora';
import { commonTimings as defaultTimings } from '../src/contract/timings';
import { isRecordingStatus } from '../src/providers/agora/answers';
import { deriveUids } from '../src/providers/agora/spec';
import { appIdFor, startRig } from './lib/rig';
import { finish, loadavg, progress, table } from './lib/results';
import { rounded, sleep, summarize } from './lib/stats';

interface Sample {
  path: 'workflow' | 'bare';
  i: number;
  cname: string;
  t0: number;
  confirmedAt?: number;
  queries?: number;
  error?: string;
}

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '3' },
      'arrival-ms': { type: 'string', default: '1000' },
      'start-delay-ms': { type: 'string', default: '3000' },
      qps: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const n = Number(f.n);
  const warmup = Number(f.warmup);
  const arrivalMs = Number(f['arrival-ms']);
  const startDelayMs = Number(f['start-delay-ms']);
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const APP_WF = appIdFor('sowf');
  const APP_BARE = appIdFor('sobare');
  const total = n + warmup;

  const rig = await startRig({
    name: 'start-overhead',
    appIds: [APP_WF],
    startDelayMs,
    maxConcurrent: total + 10,
    workerQps: f.qps === undefined ? undefined : Number(f.qps),
  });
  const budget = rig.config.agora!.maxRequestsPerSecond;
  const firstQueryDelayMs = defaultTimings.firstQueryDelayMs;
  // The project's client with the worker's settings, including its per-App-ID request pacing
  // (maxRequestsPerSecond; a client without that option simply ignores it).
  const bareConfig = {
    baseUrls: rig.config.agora!.baseUrls,
    customerId: rig.config.agora!.customerId,
    customerSecret: rig.config.agora!.customerSecret,
    timeoutMs: rig.config.agora!.timeoutMs,
    maxRequestsPerSecond: budget,
  };
  const bare = new AgoraClient(bareConfig);
  const profile = rig.config.agora!.storageProfiles.default;
  const tag = Date.now().toString(36);

  async function viaWorkflow(i: number): Promise<Sample> {
    const cname = `so_wf_${tag}_${i}`;
    const t0 = Date.now();
    try {
      // Production timings: no override.
      await rig.client.startRecording({ recordingId: cname, appId: APP_WF, channel: cname, mode: 'mix' });
      return { path: 'workflow', i, cname, t0 };
    } catch (err) {
      return { path: 'workflow', i, cname, t0, error: (err as Error).message };
    }
  }

  async function viaBareScript(i: number): Promise<Sample> {
    const cname = `so_bare_${tag}_${i}`;
    const uid = deriveUids(cname, 1)[0];
    const t0 = Date.now();
    const s: Sample = { path: 'bare', i, cname, t0 };
    try {
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
          return s;
        }
        await sleep(1000);
      }
      throw new Error('no status 4/5 within 90 queries');
    } catch (err) {
      s.error = (err as Error).message;
      return s;
    }
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
      const d = await rig.client.describeRecording(s.cname).catch(() => undefined);
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
  await bare.close();

  // Where the time goes, from the emulator's request log (arrival times at the vendor).
  const log = await rig.emulator.requests(runStart - 1000);
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
    const toAcquire = step((s) => (firstAt(s.cname, 'acquire') ?? NaN) - s.t0);
    const toStart = step((s) => (firstAt(s.cname, 'start') ?? NaN) - (firstAt(s.cname, 'acquire') ?? NaN));
    const toQuery = step((s) => (firstAt(s.cname, 'query') ?? NaN) - (firstAt(s.cname, 'start') ?? NaN));
    const toConfirm = step((s) => s.confirmedAt! - (firstAt(s.cname, 'query') ?? NaN));
    const oneQuery = ok.filter((s) => queryCount(s.cname) === 1).length;
    rows.push([p, ok.length, errors.length, lat.p50, lat.p99, lat.max, toAcquire, toStart, toQuery, toConfirm, `${oneQuery}/${ok.length}`]);
    figures[p] = { ...rounded(lat), errors: errors.length, errorSample: errors[0]?.error, p50StepsMs: { toAcquire, acquireToStart: toStart, startToFirstQuery: toQuery, firstQueryToConfirmed: toConfirm }, confirmedOnFirstQuery: oneQuery };
  }
  const ratioP50 = per.workflow.p50 && per.bare.p50 ? Number((per.workflow.p50 / per.bare.p50).toFixed(3)) : null;
  const ratioP99 = per.workflow.p99 && per.bare.p99 ? Number((per.workflow.p99 / per.bare.p99).toFixed(3)) : null;
  figures.ratioP50 = ratioP50;
  figures.ratioP99 = ratioP99;

  finish(
    {
      bench: 'start-overhead',
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
      table(
        `start → confirmed (status 4/5), ms; ${n} per path after ${warmup} warm-up, start delay ${startDelayMs} ms, first query ${firstQueryDelayMs} ms after the sid`,
        ['path', 'ok', 'errors', 'p50', 'p99', 'max', 'p50 t0→acquire', 'p50 acquire→start', 'p50 start→query', 'p50 query→confirmed', 'confirmed on 1st query'],
        rows,
      ),
      `ratio workflow/bare: p50 ${ratioP50}, p99 ${ratioP99}`,
    ],
    f.json!,
  );
}
