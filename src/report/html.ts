/**
 * Self-contained HTML reports: inline CSS and SVG, no scripts, no external assets, every text
 * escaped. One recording as a timeline (lanes, segments, gaps with reasons, overlaps, uploads), or
 * a table of many with their coverage.
 */
import { endedByStop, formatSeconds } from '../contract/coverage';
import type { Segment } from '../contract/messages';
import type { RecordingReport, ReportList } from './model';

export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pct = (r: number | undefined): string => (r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);
const ms = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);
const clock = (t: number): string => new Date(t).toISOString().slice(11, 19);

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#5a6272;margin-bottom:16px}
.figures{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.fig{border:1px solid #d8dde6;border-radius:6px;padding:8px 14px;min-width:120px}
.fig b{display:block;font-size:22px}.fig span{color:#5a6272;font-size:12px}
.bad b{color:#b42318}.good b{color:#067647}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e4e7ec;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f5f7fa;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.over td{background:#fef3f2}
code{font-size:12px}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px;border-radius:2px}
svg text{font:11px system-ui,sans-serif;fill:#344054}
`;

const COLORS = { starting: '#d0d5dd', confirming: '#fdb022', covered: '#12b76a', unknown: '#f79009', gap: '#f04438', overlap: '#2e90fa' };

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

function figure(label: string, value: string, tone = ''): string {
  return `<div class="fig ${tone}"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
}

/** One recording: figures, the SVG timeline, then gaps, segments (with uploads) and overlaps. */
export function renderRecordingHtml(r: RecordingReport): string {
  const c = r.coverage;
  const figures = [
    figure('coverage', pct(c.ratio), c.ratio >= 0.99 ? 'good' : 'bad'),
    figure('session', formatSeconds(c.sessionSeconds)),
    figure('gaps', `${c.gaps.length} · ${formatSeconds(c.gapSeconds)}`, c.gapSeconds > 0 ? 'bad' : 'good'),
    figure('of which unknown', formatSeconds(c.unknownSeconds)),
    figure('restarts', String(r.restarts)),
    figure('status', `${r.status}${r.phase ? ` · ${r.phase}` : ''}`),
  ].join('');
  const gaps = c.gaps.length
    ? table(
        ['#', 'from', 'to', 'length', 'unknown', 'kind', 'reason'],
        c.gaps.map((g, i) => [String(i + 1), g.start, g.end, formatSeconds(g.seconds), formatSeconds(g.unknownSeconds), g.kind, g.reason]),
        [3, 4],
      )
    : '<p>No gaps: every second of the session was proven recorded.</p>';
  const segments = table(
    ['#', 'lane', 'identity', 'recorder', 'requested', 'confirmed', 'last alive', 'ended', 'end reason', 'files', 'upload'],
    r.segments.map((s) => [
      String(s.index),
      String(s.lane),
      s.identity,
      s.recorderId ?? '–',
      s.requestedAt,
      s.confirmedAt ?? '–',
      s.lastAliveAt ?? '–',
      s.endedAt ?? '–',
      s.endReason ?? (s.endedAt ? '' : 'running'),
      s.files.length ? s.files.join(', ') : '–',
      s.uploadingStatus ?? '–',
    ]),
  );
  const overlaps = c.overlaps.length
    ? `<h2>Overlaps</h2>${table(['from', 'to', 'length', 'segments'], c.overlaps.map((o) => [o.start, o.end, formatSeconds(o.seconds), o.segments.map((i) => `#${i}`).join(' + ')]), [2])}`
    : '';
  const body = `
<h1>Recording ${esc(r.recordingId)}</h1>
<div class="sub">${esc(r.provider)} · account <code>${esc(r.account)}</code> · channel <code>${esc(r.channel)}</code> · workflow <code>${esc(r.workflowId)}</code>
${r.stopReason ? ` · stopped: ${esc(r.stopReason)}` : ''}${r.lastError && r.phase === 'failed' ? ` · failed: ${esc(r.lastError)}` : ''}<br>
session ${esc(c.from ?? '–')} → ${esc(c.to ?? '–')}${c.final ? '' : ' (running: as of the last observation)'} · report generated ${esc(r.generatedAt)}</div>
<div class="figures">${figures}</div>
<h2>Timeline</h2>
${timeline(r)}
<div class="legend">${Object.entries({ covered: 'recorded (proven)', unknown: 'unknown (between last proof and found gone)', gap: 'gap', confirming: 'confirming', starting: 'starting', overlap: 'overlap' })
    .map(([k, label]) => `<span><i style="background:${COLORS[k as keyof typeof COLORS]}"></i>${esc(label)}</span>`)
    .join('')}</div>
<h2>Gaps</h2>
${gaps}
<h2>Segments and uploads</h2>
${segments}
${overlaps}
<p class="sub">Covered means proven: from a recorder's first status 4/5 to the last query that saw it alive (or to our own stop). A gap is an upper bound.</p>`;
  return page(`Recording ${r.recordingId}: ${pct(c.ratio)} covered`, body);
}

function table(head: string[], rows: string[][], numeric: number[] = [], rowClass: (i: number) => string = () => ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((row, i) => `<tr class="${rowClass(i)}">${row.map((cell, j) => `<td${numeric.includes(j) ? ' class="num"' : ''}>${esc(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** The timeline: a coverage row (covered and gaps) and one row per lane of segments. */
function timeline(r: RecordingReport): string {
  const c = r.coverage;
  const times = r.segments.flatMap((s) => [s.requestedAt, s.endedAt, s.lastAliveAt].map(ms)).filter((t): t is number => t !== undefined);
  const t0 = Math.min(ms(c.from) ?? Infinity, ...times);
  const t1 = Math.max(ms(c.to) ?? -Infinity, ...times, t0 + 1000);
  if (!Number.isFinite(t0)) return '<p>No recorder was requested yet.</p>';
  const W = 1000;
  const L = 110;
  const R = 16;
  const x = (t: number): number => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const lanes = [...new Set(r.segments.map((s) => s.lane))].sort((a, b) => a - b);
  const rowH = 34;
  const top = 24;
  const H = top + rowH * (lanes.length + 1) + 30;
  const out: string[] = [];
  const bar = (a: number, b: number, y: number, h: number, color: string, title: string, extra = ''): string =>
    `<rect x="${x(a).toFixed(1)}" y="${y}" width="${Math.max(1, x(b) - x(a)).toFixed(1)}" height="${h}" fill="${color}"${extra}><title>${esc(title)}</title></rect>`;

  // Axis with about six ticks.
  const step = niceStep((t1 - t0) / 6);
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    out.push(`<line x1="${x(t).toFixed(1)}" y1="${top - 4}" x2="${x(t).toFixed(1)}" y2="${H - 26}" stroke="#eaecf0"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${H - 12}" text-anchor="middle">${esc(clock(t))}</text>`);
  }
  // Overlaps behind everything, across all lane rows.
  for (const o of c.overlaps) out.push(bar(ms(o.start)!, ms(o.end)!, top + rowH, rowH * lanes.length, COLORS.overlap, `overlap ${formatSeconds(o.seconds)}: segments ${o.segments.join(', ')}`, ' opacity="0.15"'));

  // Row 0: coverage.
  const y0 = top + 6;
  out.push(`<text x="8" y="${y0 + 15}">coverage</text>`);
  for (const iv of c.covered) out.push(bar(ms(iv.start)!, ms(iv.end)!, y0, 20, COLORS.covered, `recorded ${iv.start} → ${iv.end} (${formatSeconds(iv.seconds)})`));
  for (const g of c.gaps) out.push(bar(ms(g.start)!, ms(g.end)!, y0, 20, COLORS.gap, `gap ${formatSeconds(g.seconds)}: ${g.reason}`, ' class="gap"'));

  // One row per lane.
  lanes.forEach((lane, i) => {
    const y = top + rowH * (i + 1) + 6;
    out.push(`<text x="8" y="${y + 15}">lane ${esc(lane)}</text>`);
    for (const s of r.segments.filter((seg) => seg.lane === lane)) out.push(...segmentBars(s, y, bar, x, ms(c.to) ?? t1));
  });
  // The stop.
  if (c.final && c.to) out.push(`<line x1="${x(ms(c.to)!).toFixed(1)}" y1="${top}" x2="${x(ms(c.to)!).toFixed(1)}" y2="${H - 26}" stroke="#1d2330" stroke-dasharray="4 3"><title>stop requested ${esc(c.to)}</title></line>`);

  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="recording timeline" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px">${out.join('')}</svg>`;
}

type Bar = (a: number, b: number, y: number, h: number, color: string, title: string, extra?: string) => string;

function segmentBars(s: Segment, y: number, bar: Bar, x: (t: number) => number, sessionEnd: number): string[] {
  const out: string[] = [];
  const req = ms(s.requestedAt)!;
  const started = ms(s.startedAt);
  const confirmed = ms(s.confirmedAt);
  const ended = ms(s.endedAt);
  const label = `#${s.index} ${s.identity}${s.recorderId ? ` · ${s.recorderId}` : ''}`;
  const upTo = (t: number | undefined) => t ?? ended ?? sessionEnd;
  out.push(bar(req, upTo(started ?? confirmed), y + 4, 12, COLORS.starting, `${label}: starting from ${s.requestedAt}`));
  if (started !== undefined) out.push(bar(started, upTo(confirmed), y + 4, 12, COLORS.confirming, `${label}: confirming from ${s.startedAt}`));
  if (confirmed !== undefined) {
    const alive = Math.max(confirmed, ms(s.lastAliveAt) ?? confirmed);
    const coverEnd = ended !== undefined && endedByStop(s) ? Math.max(alive, ended) : alive;
    out.push(bar(confirmed, coverEnd, y, 20, COLORS.covered, `${label}: recording, proven ${s.confirmedAt} → ${new Date(coverEnd).toISOString()}`, ' class="segment"'));
    if (ended !== undefined && ended > coverEnd) out.push(bar(coverEnd, ended, y, 20, COLORS.unknown, `${label}: unknown until found gone at ${s.endedAt}: ${s.endReason ?? ''}`, ' class="unknown"'));
  }
  if (ended !== undefined) {
    const files = s.files.length ? `${s.files.length} file(s)${s.uploadingStatus ? `, upload ${s.uploadingStatus}` : ''}: ${s.files.join(', ')}` : 'no files';
    // A small triangle under the segment's end: where its files were handed to upload.
    const cx = x(ended).toFixed(1);
    out.push(`<polygon class="upload" points="${cx},${y + 21} ${Number(cx) - 4},${y + 28} ${Number(cx) + 4},${y + 28}" fill="#475467"><title>${esc(`${label} ended ${s.endedAt}${s.endReason ? ` (${s.endReason})` : ''}; ${files}`)}</title></polygon>`);
  }
  return out;
}

function niceStep(raw: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400].map((s) => s * 1000);
  return steps.find((s) => s >= raw) ?? 86_400_000 * Math.ceil(raw / 86_400_000);
}

/** Many recordings: coverage, gap totals and restarts, from search attributes. */
export function renderListHtml(list: ReportList, threshold = 60): string {
  const rows = list.rows;
  const body = `
<h1>Recordings: coverage</h1>
<div class="sub">query <code>${esc(list.query)}</code> · ${rows.length} recording(s) · generated ${esc(list.generatedAt)}</div>
<div class="figures">${figure('recordings', String(rows.length))}${figure(`with gaps over ${threshold} s`, String(rows.filter((r) => (r.gapSeconds ?? 0) > threshold).length), rows.some((r) => (r.gapSeconds ?? 0) > threshold) ? 'bad' : 'good')}${figure('total gap', formatSeconds(rows.reduce((n, r) => n + (r.gapSeconds ?? 0), 0)))}</div>
${table(
  ['recording', 'status', 'phase', 'provider', 'channel', 'started', 'closed', 'restarts', 'coverage', 'gap'],
  rows.map((r) => [r.recordingId, r.status, r.phase ?? '–', r.provider ?? '–', r.channel ?? '–', r.startTime, r.closeTime ?? '–', String(r.restarts ?? 0), pct(r.coverage), r.gapSeconds === undefined ? '–' : formatSeconds(r.gapSeconds)]),
  [7, 8, 9],
  (i) => ((rows[i].gapSeconds ?? 0) > threshold ? 'over' : ''),
)}`;
  return page('Recordings: coverage', body);
}
