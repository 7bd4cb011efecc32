/** Machine description, load, the printed table, the --json line and bench/results/<name>-<time>.json. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const resultsDir = path.join(__dirname, '..', 'results');

export interface Machine {
  nproc: number;
  cpuModel: string;
  ramGiB: number;
  node: string;
  os: string;
}

export function machine(): Machine {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    ramGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

export const loadavg = (): number[] => os.loadavg().map((v) => Number(v.toFixed(2)));

/** Progress goes to stderr, so stdout holds only the table and the JSON line. */
export const progress = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

export type Row = (string | number | null | undefined)[];

export function table(title: string, header: string[], rows: Row[]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '–' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [`\n${title}`, line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line), ''].join('\n');
}

export interface Report {
  bench: string;
  /** Which vendor the run spoke to, where a bench has more than one. */
  provider?: string;
  args: Record<string, unknown>;
  figures: Record<string, unknown>;
  targets: Record<string, { target: string; value: unknown; met: boolean }>;
  loadavgStart: number[];
  loadavgEnd: number[];
  startedAt: string;
  durationSec: number;
}

/** Prints the tables, writes the result file and, with --json, ends stdout with one JSON line. */
export function finish(report: Omit<Report, 'loadavgEnd' | 'durationSec'>, tables: string[], json: boolean): string {
  const full = {
    ...report,
    loadavgEnd: loadavg(),
    durationSec: Math.round((Date.now() - Date.parse(report.startedAt)) / 1000),
    machine: machine(),
  };
  const targetRows: Row[] = Object.entries(full.targets).map(([k, t]) => [k, t.target, typeof t.value === 'object' ? JSON.stringify(t.value) : String(t.value), t.met ? 'met' : 'MISSED']);
  const out = [
    ...tables,
    table('Targets', ['figure', 'target', 'measured', ''], targetRows),
    `machine: ${full.machine.nproc} cpus, ${full.machine.cpuModel}, ${full.machine.ramGiB} GiB, node ${full.machine.node}; loadavg start ${full.loadavgStart.join(' ')}, end ${full.loadavgEnd.join(' ')}; ${full.durationSec} s`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${report.bench}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  progress(`results written to ${path.relative(process.cwd(), file)}`);
  if (json) process.stdout.write(`${JSON.stringify(full)}\n`);
  return file;
}
