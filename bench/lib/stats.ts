/** Percentiles and small summaries; nearest-rank on a sorted copy. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

export const p50 = (v: number[]) => quantile(v, 0.5);
export const p99 = (v: number[]) => quantile(v, 0.99);
export const median = p50;
export const round = (n: number, digits = 3) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export function summary(v: number[]) {
  return { n: v.length, p50: round(p50(v)), p90: round(quantile(v, 0.9)), p99: round(p99(v)), max: round(v.length ? Math.max(...v) : NaN) };
}
