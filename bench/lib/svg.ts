/** Two small hand-written SVG charts (no plotting dependency): lines on linear axes, with a legend. */
export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function ticks(min: number, max: number, n = 5): number[] {
  const span = max - min || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], opts: { yMin?: number } = {}): string {
  const W = 720,
    H = 400,
    L = 64,
    R = 16,
    T = 36,
    B = 48;
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map((p) => p[0]),
    ys = all.map((p) => p[1]);
  const xMin = Math.min(...xs),
    xMax = Math.max(...xs);
  const yMin = opts.yMin ?? Math.min(...ys),
    yMax = Math.max(...ys) * 1.05;
  const sx = (x: number) => L + ((x - xMin) / (xMax - xMin || 1)) * (W - L - R);
  const sy = (y: number) => H - B - ((y - yMin) / (yMax - yMin || 1)) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text>`,
  ];
  for (const y of ticks(yMin, yMax)) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`,
      `<text x="${L - 6}" y="${sy(y) + 4}" text-anchor="end">${y}</text>`,
    );
  }
  for (const x of ticks(xMin, xMax, 8)) parts.push(`<text x="${sx(x)}" y="${H - B + 16}" text-anchor="middle">${x}</text>`);
  parts.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`, `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`);
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length)
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
      );
    parts.push(
      `<rect x="${L + 12}" y="${T + 6 + i * 16}" width="12" height="3" fill="${s.color}"/>`,
      `<text x="${L + 30}" y="${T + 11 + i * 16}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Empirical CDF points of a sample: (value, fraction at or below it). */
export function cdf(values: number[]): Array<[number, number]> {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return s.map((v, i) => [v, (i + 1) / s.length]);
}
