/** The table, the problems behind every failed run, and the `N passed, N failed` line. */

export interface Row {
  scenario: string;
  runs: number;
  passed: number;
  orphans: number;
  duplicates: number;
  lost: number;
  problems: string[];
}

export interface Report {
  text: string;
  json: {
    passed: number;
    failed: number;
    orphans: number;
    duplicates: number;
    lostMessages: number;
    seconds: number;
    rows: Array<Omit<Row, 'problems' | 'lost'> & { lostMessages: number; failed: number }>;
  };
}

export function report(rows: Row[], opts: { notes: string[]; seconds: number }): Report {
  const header = ['scenario', 'runs', 'passed', 'orphans', 'duplicates', 'lost messages'];
  const body = rows.map((r) => [r.scenario, r.runs, r.passed, r.orphans, r.duplicates, r.lost].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const sum = (k: 'runs' | 'passed' | 'orphans' | 'duplicates' | 'lost') => rows.reduce((n, r) => n + r[k], 0);
  const passed = sum('passed');
  const failed = sum('runs') - passed;

  const out = ['', line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const failing = rows.filter((r) => r.problems.length);
  if (failing.length) {
    out.push('', 'problems:');
    for (const r of failing) {
      for (const p of r.problems.slice(0, 8)) out.push(`  ${r.scenario} ${p}`);
      if (r.problems.length > 8) out.push(`  ${r.scenario} … ${r.problems.length - 8} more`);
    }
  }
  if (opts.notes.length) out.push('', 'notes:', ...opts.notes.map((n) => `  ${n}`));
  out.push('', `took ${opts.seconds.toFixed(0)} s`, `${passed} passed, ${failed} failed`);
  return {
    text: out.join('\n'),
    json: {
      passed,
      failed,
      orphans: sum('orphans'),
      duplicates: sum('duplicates'),
      lostMessages: sum('lost'),
      seconds: Math.round(opts.seconds),
      rows: rows.map((r) => ({ scenario: r.scenario, runs: r.runs, passed: r.passed, failed: r.runs - r.passed, orphans: r.orphans, duplicates: r.duplicates, lostMessages: r.lost })),
    },
  };
}
