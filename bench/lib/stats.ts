/** Order statistics for benchmark samples (nearest-rank percentiles, as most load tools report). */
export interface Summary {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : null,
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : null,
  };
}

/** Rounds every number in a summary (ms → whole ms, or to `digits` decimals). */
export function rounded(s: Summary, digits = 0): Summary {
  const r = (v: number | null) => (v === null ? null : Number(v.toFixed(digits)));
  return { n: s.n, p50: r(s.p50), p99: r(s.p99), max: r(s.max), mean: r(s.mean) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
