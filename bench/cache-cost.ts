/**
 * cache-cost: what one cached recording costs a worker, and of what. Starts recordings in steps
 * (default 100, then 1,000) against a fast emulator, lets them settle into monitoring (the
 * interval is long, so every recording sits in the worker's cache waiting on its timer), and at
 * each step reads the worker's RSS and takes a V8 heap snapshot (node --heapsnapshot-signal; SIGWINCH, since Temporal's runtime shuts the worker down on SIGUSR2).
 * The snapshots are summed by object kind (constructor name, closures, strings, code...); the
 * difference between two steps divided by the recordings between them is the per-recording
 * breakdown (docs/benchmarks.md, "cache-cost").
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseFlags } from '../src/command-line';
import { memoryMap, processTree, sampleTree, type MemoryMap } from './lib/proc';
import { ramp } from './lib/ramp';
import { appIdFor, benchDataDir, startRig, type Rig } from './lib/rig';
import { finish, loadavg, progress, table, type Row } from './lib/results';
import { sleep } from './lib/stats';

interface Step {
  n: number;
  rssMiB: number;
  /** After the snapshot's full GC. */
  rssAfterGcMiB: number;
  heapMiB: number;
  /** The worker process's resident memory by kind of mapping, after the full GC. */
  map: MemoryMap;
  byKind: Map<string, { size: number; count: number }>;
}

export async function run(argv: string[]): Promise<void> {
  const { values: f } = parseFlags(
    { program: 'npm run bench -- cache-cost', about: "Per-recording memory of a worker's cache: RSS and a heap-snapshot breakdown at two or more sizes (docs/benchmarks.md).", argv },
    {
      steps: { type: 'string', default: '100,1000' },
      top: { type: 'string', default: '15' },
      'keep-snapshots': { type: 'boolean', default: false },
      'worker-heap-mib': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  );
  const steps = f.steps.split(',').map(Number);
  if (steps.length < 2 || steps.some((n, i) => !Number.isInteger(n) || n < 1 || (i > 0 && n <= steps[i - 1]))) throw new Error(`--steps must be two or more increasing counts, got '${f.steps}'`);
  const top = Number(f.top);
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const app = appIdFor('cache0');
  const snapDir = fs.mkdtempSync(path.join(benchDataDir, 'heap-'));
  const intervalMs = 30 * 60_000;
  const rig = await startRig({
    name: 'cache-cost',
    appIds: [app],
    startDelayMs: 300,
    emulatorQps: 1000,
    workerQps: 100,
    maxConcurrent: steps.at(-1)! + 50,
    workerEnv: {
      NODE_OPTIONS: `--heapsnapshot-signal=SIGWINCH --diagnostic-dir=${snapDir}${f['worker-heap-mib'] ? ` --max-old-space-size=${Number(f['worker-heap-mib'])}` : ''}`,
      // Every recording stays cached whatever the heap limit (the SDK's default cache shrinks with the heap).
      MAX_CACHED_WORKFLOWS: String(steps.at(-1)! * 2),
    },
  });
  const tag = Date.now().toString(36);
  const measured: Step[] = [];
  let started = 0;
  for (const n of steps) {
    progress(`starting recordings ${started + 1}…${n}`);
    const r = await ramp(rig, { apps: [app], perApp: n - started, total: n - started, intervalMs, budget: 100, utilization: 1, maxPerSecond: 25, prefix: `cc_${tag}_${started}_`, request: { recordingConfig: { maxIdleTime: 3_600 } } });
    if (r.errors.length) throw new Error(`${r.errors.length} starts failed, e.g. ${r.errors[0]}`);
    started = n;
    await untilLive(rig, app, n);
    // Confirmations done, every recording parked on its monitor timer; let GC settle.
    await sleep(15_000);
    measured.push(await snapshot(rig, n, snapDir, f['keep-snapshots']!));
    const m = measured.at(-1)!;
    progress(`${n} cached: RSS ${m.rssMiB} MiB, V8 heap ${m.heapMiB} MiB`);
  }
  if (!f['keep-snapshots']) fs.rmSync(snapDir, { recursive: true, force: true });

  const [a, b] = [measured[0], measured.at(-1)!];
  const per = (x: number) => Number(((x / (b.n - a.n)) * 1024).toFixed(1)); // KiB per recording
  const kinds = [...new Set([...a.byKind.keys(), ...b.byKind.keys()])].map((k) => {
    const sa = a.byKind.get(k) ?? { size: 0, count: 0 };
    const sb = b.byKind.get(k) ?? { size: 0, count: 0 };
    return { kind: k, kibPerRecording: per((sb.size - sa.size) / 2 ** 20), objectsPerRecording: Number(((sb.count - sa.count) / (b.n - a.n)).toFixed(1)) };
  });
  kinds.sort((x, y) => y.kibPerRecording - x.kibPerRecording);
  const figures = {
    steps: measured.map((m) => ({ n: m.n, rssMiB: m.rssMiB, rssAfterGcMiB: m.rssAfterGcMiB, heapMiB: m.heapMiB, map: m.map })),
    rssKiBPerRecording: per(b.rssMiB - a.rssMiB),
    rssAfterGcKiBPerRecording: per(b.rssAfterGcMiB - a.rssAfterGcMiB),
    heapKiBPerRecording: per(b.heapMiB - a.heapMiB),
    outsideHeapKiBPerRecording: per(b.rssAfterGcMiB - a.rssAfterGcMiB - (b.heapMiB - a.heapMiB)),
    memoryMapKiBPerRecording: Object.fromEntries((Object.keys(a.map) as (keyof MemoryMap)[]).map((k) => [k, per(b.map[k] - a.map[k])])),
    topKinds: kinds.slice(0, top),
  };
  finish(
    {
      bench: 'cache-cost',
      args: { steps, intervalMs, workerHeapMiB: f['worker-heap-mib'] ?? null },
      figures,
      targets: {},
      loadavgStart: loadStart,
      startedAt,
    },
    [
      table('worker with N recordings cached', ['N', 'RSS MiB', 'RSS after full GC MiB', 'V8 live heap (snapshot) MiB'], measured.map((m) => [m.n, m.rssMiB, m.rssAfterGcMiB, m.heapMiB])),
      table(
        'where the worker process\'s resident memory lives (MiB, after the full GC; /proc/<pid>/smaps)',
        ['N', 'malloc main arena', 'malloc thread arenas', 'other anonymous (V8 heap pages, stacks, large mallocs)', 'files'],
        [...measured.map((m): Row => [m.n, m.map.mainArena, m.map.threadArenas, m.map.otherAnonymous, m.map.files]), ['KiB per recording', ...Object.values(figures.memoryMapKiBPerRecording)]],
      ),
      table(`per recording (${a.n} → ${b.n}): heap by kind, KiB`, ['kind', 'KiB / recording', 'objects / recording'], kinds.slice(0, top).map((k): Row => [k.kind, k.kibPerRecording, k.objectsPerRecording])),
      `per recording: RSS ${figures.rssKiBPerRecording} KiB (${figures.rssAfterGcKiBPerRecording} KiB after a full GC), of which live V8 heap ${figures.heapKiBPerRecording} KiB`,
    ],
    f.json!,
  );
}

async function untilLive(rig: Rig, app: string, n: number): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (((await rig.emulator.stats())[app]?.live ?? 0) < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} recorders live 10 min after starting them`);
    await sleep(1_000);
  }
}

/** RSS of the worker's process tree, then a heap snapshot of its largest node process, summed by kind. */
async function snapshot(rig: Rig, n: number, dir: string, keep: boolean): Promise<Step> {
  const rssMiB = Math.round(sampleTree(rig.worker.pid).rssMiB);
  const pids = processTree(rig.worker.pid);
  const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  const target = pids.sort((x, y) => rssOf(y) - rssOf(x))[0];
  const before = new Set(fs.readdirSync(dir));
  process.kill(target, 'SIGWINCH');
  let file: string | undefined;
  for (let size = -1; ; ) {
    await sleep(2_000);
    file ??= fs.readdirSync(dir).find((x) => !before.has(x) && x.endsWith('.heapsnapshot'));
    if (!file) continue;
    const now = fs.statSync(path.join(dir, file)).size;
    if (now === size && now > 0) break;
    size = now;
  }
  const full = path.join(dir, file);
  await sleep(5_000);
  const rssAfterGcMiB = Math.round(sampleTree(rig.worker.pid).rssMiB);
  const map = memoryMap(target);
  const summary = summarizeSnapshot(JSON.parse(fs.readFileSync(full, 'utf8')) as HeapSnapshot);
  if (!keep) fs.rmSync(full);
  else fs.renameSync(full, path.join(dir, `worker-${n}.heapsnapshot`));
  return { n, rssMiB, rssAfterGcMiB, map, ...summary };
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self sizes summed by kind: objects by constructor name, closures by function name, the rest by V8's node type. */
export function summarizeSnapshot(s: HeapSnapshot): { heapMiB: number; byKind: Map<string, { size: number; count: number }> } {
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((k) => fields.indexOf(k));
  const types = s.snapshot.meta.node_types[0];
  const byKind = new Map<string, { size: number; count: number }>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]];
    const size = s.nodes[i + iSize];
    total += size;
    const kind = type === 'object' ? `object ${s.strings[s.nodes[i + iName]]}` : type === 'closure' ? 'closure' : type;
    const k = byKind.get(kind) ?? byKind.set(kind, { size: 0, count: 0 }).get(kind)!;
    k.size += size;
    k.count += 1;
  }
  return { heapMiB: Math.round(total / 2 ** 20), byKind };
}
