/**
 * The metric names a PromQL expression reads, without a full parser: strings, label matchers,
 * ranges and grouping clauses are removed first; what remains that is neither a function call,
 * a keyword nor a number is a metric name.
 */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index! + word.length);
    if (KEYWORDS.has(word.toLowerCase()) || /^\s*\(/.test(after)) continue;
    // Part of a number (1e3) or a duration (5m) left outside brackets, e.g. "offset 5m".
    if (m.index! > 0 && /[0-9.]/.test(stripped[m.index! - 1])) continue;
    names.add(word);
  }
  return [...names];
}
