/** The report as terminal text: the coverage figures and one line per gap. */
import { formatSeconds, type Coverage } from '../contract/coverage';
import type { RecordingReport, ReportList } from './model';

/** "97.4% of 3 min 20 s covered; 2 gaps, 5.2 s (3.1 s unknown)" */
export function coverageLine(c: Coverage): string {
  if (!c.sessionSeconds) return 'no session yet';
  const gaps = c.gaps.length ? `${c.gaps.length} gap${c.gaps.length > 1 ? 's' : ''}, ${formatSeconds(c.gapSeconds)}${c.unknownSeconds ? ` (${formatSeconds(c.unknownSeconds)} unknown)` : ''}` : 'no gaps';
  return `${(c.ratio * 100).toFixed(1)}% of ${formatSeconds(c.sessionSeconds)} covered; ${gaps}${c.final ? '' : ' (running: as of the last observation)'}`;
}

export function gapLines(c: Coverage): string[] {
  return c.gaps.map((g) => `  ${g.start} → ${g.end}  ${formatSeconds(g.seconds).padStart(9)}  ${g.reason}`);
}

export function formatReport(r: RecordingReport): string {
  return [
    `Recording ${r.recordingId} (${r.status}${r.phase ? `, ${r.phase}` : ''}) · ${r.provider} · channel ${r.channel}`,
    `Session:  ${r.coverage.from ?? '-'} → ${r.coverage.to ?? '-'}`,
    `Coverage: ${coverageLine(r.coverage)}`,
    ...(r.coverage.gaps.length ? ['Gaps:', ...gapLines(r.coverage)] : []),
    `Segments: ${r.segments.length}, restarts ${r.restarts}`,
  ].join('\n');
}

export function formatReportList(list: ReportList): string {
  if (!list.rows.length) return `no recordings (query: ${list.query})`;
  const header = ['RECORDING ID', 'STATUS', 'PHASE', 'CHANNEL', 'RESTARTS', 'COVERAGE', 'GAP S', 'STARTED'];
  const table = list.rows.map((r) => [r.recordingId, r.status, r.phase ?? '-', r.channel ?? '-', String(r.restarts ?? 0), r.coverage === undefined ? '-' : `${(r.coverage * 100).toFixed(1)}%`, r.gapSeconds === undefined ? '-' : String(r.gapSeconds), r.startTime]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
  return [header, ...table].map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}
