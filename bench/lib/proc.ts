/**
 * CPU and RSS of a process and all its descendants, read from /proc (Linux only). The worker and
 * the emulator run under `tsx`, which re-executes node as a child, so the tree is what counts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface StatLine {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStat(pid: number): StatLine | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] = state (field 3); ppid = field 4; utime = 14; stime = 15.
    return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return undefined;
  }
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The pid and every live descendant. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface ProcSample {
  at: number;
  /** CPU seconds (user + system) of the whole tree so far. */
  cpuSec: number;
  rssMiB: number;
}

export function sampleTree(root: number): ProcSample {
  let ticks = 0;
  let rss = 0;
  for (const pid of processTree(root)) {
    ticks += readStat(pid)?.ticks ?? 0;
    rss += rssKb(pid);
  }
  return { at: Date.now(), cpuSec: ticks / ticksPerSecond(), rssMiB: rss / 1024 };
}

export interface UsageFigures {
  /** Mean CPU over the window, % of one core. */
  cpuPct: number;
  /** Highest CPU in any sampling interval of the window, % of one core. */
  cpuPctPeak: number;
  rssMiBFirst: number;
  rssMiBMax: number;
  rssMiBLast: number;
}

/** Samples a process tree every `everyMs` until stopped; figures for any time window. */
export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly name: string,
    readonly pid: number,
    private readonly everyMs = 5_000,
  ) {}

  start(): this {
    this.take();
    this.timer = setInterval(() => this.take(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.take();
  }

  take(): void {
    this.samples.push(sampleTree(this.pid));
  }

  figures(from = 0, to = Infinity): UsageFigures | null {
    const w = this.samples.filter((s) => s.at >= from && s.at <= to);
    if (w.length < 2) return null;
    let peak = 0;
    for (let i = 1; i < w.length; i++) {
      const dt = (w[i].at - w[i - 1].at) / 1000;
      if (dt > 0) peak = Math.max(peak, ((w[i].cpuSec - w[i - 1].cpuSec) / dt) * 100);
    }
    const first = w[0];
    const last = w[w.length - 1];
    const r1 = (v: number) => Number(v.toFixed(1));
    return {
      cpuPct: r1(((last.cpuSec - first.cpuSec) / ((last.at - first.at) / 1000)) * 100),
      cpuPctPeak: r1(peak),
      rssMiBFirst: r1(first.rssMiB),
      rssMiBMax: r1(Math.max(...w.map((s) => s.rssMiB))),
      rssMiBLast: r1(last.rssMiB),
    };
  }
}

/** SIGKILLs a tree we started, leaves first (used only when a graceful stop did not finish). */
export function killTree(root: number): void {
  for (const pid of processTree(root).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Where a process's resident memory lives, in MiB, from /proc/<pid>/smaps. */
export interface MemoryMap {
  /** glibc's main arena (`[heap]`): the main thread's malloc. */
  mainArena: number;
  /** glibc's thread arenas (64 MiB-aligned regions): malloc from other threads (the SDK core's, the workflow thread's). */
  threadArenas: number;
  /** Other anonymous memory: V8's heap pages (both isolates), thread stacks, large mallocs (mmapped). */
  otherAnonymous: number;
  /** Mapped files (code, libraries). */
  files: number;
}

const ARENA = 64 * 2 ** 20;

export function memoryMap(pid: number): MemoryMap {
  const out: MemoryMap = { mainArena: 0, threadArenas: 0, otherAnonymous: 0, files: 0 };
  let kind: keyof MemoryMap = 'files';
  let arenaEnd = 0;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const start = parseInt(head[1], 16);
      const name = head[3];
      // A thread arena is reserved as one 64 MiB-aligned region (its unused tail mapped ---p).
      if (!name && start % ARENA === 0) arenaEnd = start + ARENA;
      kind = name === '[heap]' ? 'mainArena' : name && !name.startsWith('[anon') ? 'files' : start < arenaEnd ? 'threadArenas' : 'otherAnonymous';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]) / 1024;
  }
  for (const k of Object.keys(out) as (keyof MemoryMap)[]) out[k] = Math.round(out[k]);
  return out;
}
