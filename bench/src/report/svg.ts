/**
 * Latency distribution charts as plain SVG: latency (ms, log scale) against percentile on the
 * usual 1/(1-p) axis, where 90 %, 99 % and 99.9 % are evenly spaced. No plotting library: the
 * charts are a few polylines, and the output is stable text that diffs well.
 */
export interface ChartSeries {
  name: string;
  points: readonly { percentile: number; valueMs: number }[];
}

export interface ChartOptions {
  title: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const MARGIN = { left: 64, right: 16, top: 36, bottom: 72 };

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** Position of a percentile on the axis: the number of nines, 0 for 0 %, 1 for 90 %, 2 for 99 %. */
export function ninesOf(percentile: number, maxNines: number): number {
  if (percentile >= 100) return maxNines;
  if (percentile <= 0) return 0;
  return Math.min(maxNines, -Math.log10(1 - percentile / 100));
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

function latencyLabel(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  if (ms >= 1) return `${ms} ms`;
  return `${Math.round(ms * 1000)} µs`;
}

export function renderLatencyChart(options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = options.series.flatMap((s) => s.points);
  const positive = all.map((p) => p.valueMs).filter((v) => v > 0);
  const lowExp = Math.floor(Math.log10(positive.length ? Math.min(...positive) : 0.1));
  const highExp = Math.max(lowExp + 1, Math.ceil(Math.log10(positive.length ? Math.max(...positive) : 1)));
  const finitePercentiles = all.map((p) => p.percentile).filter((p) => p < 100);
  const maxNines = Math.max(2, Math.ceil(Math.max(0, ...finitePercentiles.map((p) => ninesOf(p, 6)))));

  const x = (percentile: number) => MARGIN.left + (ninesOf(percentile, maxNines) / maxNines) * plotW;
  const y = (ms: number) => {
    const v = Math.log10(Math.max(ms, 10 ** lowExp));
    return MARGIN.top + plotH - ((v - lowExp) / (highExp - lowExp)) * plotH;
  };

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`);
  for (let e = lowExp; e <= highExp; e++) {
    const yy = fmt(y(10 ** e));
    parts.push(`<line x1="${MARGIN.left}" y1="${yy}" x2="${MARGIN.left + plotW}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeXml(latencyLabel(10 ** e))}</text>`);
  }
  for (let n = 0; n <= maxNines; n++) {
    const xx = fmt(MARGIN.left + (n / maxNines) * plotW);
    const label = n === 0 ? '0%' : `${(100 * (1 - 10 ** -n)).toFixed(Math.max(0, n - 2))}%`;
    parts.push(`<line x1="${xx}" y1="${MARGIN.top}" x2="${xx}" y2="${MARGIN.top + plotH}" stroke="#ddd"/>`);
    parts.push(`<text x="${xx}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${label}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 34}" text-anchor="middle">percentile</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency (log scale)</text>`);

  options.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const coords = series.points.map((p) => `${fmt(x(p.percentile))},${fmt(y(p.valueMs))}`).join(' ');
    if (coords) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords}"/>`);
    const lx = MARGIN.left + 8 + (i % 3) * Math.floor(plotW / 3);
    const ly = height - 30 + Math.floor(i / 3) * 16;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 24}" y="${ly}">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
