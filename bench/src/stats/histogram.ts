/**
 * A log-linear latency histogram in the manner of HdrHistogram: exact below 128 µs, then 64
 * sub-buckets per power of two, so every recorded value is kept within 1/64 (1.6 %) of its true
 * value from microseconds to half an hour, in a fixed 1.7 k-bucket array that merges by addition.
 */
const LINEAR_LIMIT = 128;
const SUB_BUCKETS = 64;
const SUB_BITS = 6;
const MAX_MICROS = 2 ** 31 - 1;
const BUCKETS = LINEAR_LIMIT + 25 * SUB_BUCKETS;

export interface HistogramSummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export function bucketOf(micros: number): number {
  const v = Math.min(MAX_MICROS, Math.max(0, Math.round(micros)));
  if (v < LINEAR_LIMIT) return v;
  const shift = 31 - Math.clz32(v) - SUB_BITS;
  return LINEAR_LIMIT + (shift - 1) * SUB_BUCKETS + ((v >>> shift) - SUB_BUCKETS);
}

/** The highest value (µs) that falls into a bucket: what a percentile reports, as HdrHistogram does. */
export function bucketHighMicros(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const shift = Math.floor((bucket - LINEAR_LIMIT) / SUB_BUCKETS) + 1;
  const sub = ((bucket - LINEAR_LIMIT) % SUB_BUCKETS) + SUB_BUCKETS;
  return (sub + 1) * 2 ** shift - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sumMicros = 0;
  private minMicros = Number.POSITIVE_INFINITY;
  private maxMicros = 0;

  recordMs(ms: number): void {
    const micros = Math.min(MAX_MICROS, Math.max(0, ms * 1000));
    this.counts[bucketOf(micros)]! += 1;
    this.total += 1;
    this.sumMicros += micros;
    if (micros < this.minMicros) this.minMicros = micros;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  get count(): number {
    return this.total;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sumMicros += other.sumMicros;
    this.minMicros = Math.min(this.minMicros, other.minMicros);
    this.maxMicros = Math.max(this.maxMicros, other.maxMicros);
  }

  /** The value at or below which `percentile` % of the recorded values fall, in ms; 0 when empty. */
  percentileMs(percentile: number): number {
    if (this.total === 0) return 0;
    if (percentile >= 100) return this.maxMicros / 1000;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketHighMicros(i), this.maxMicros) / 1000;
    }
    return this.maxMicros / 1000;
  }

  summary(): HistogramSummary {
    const empty = this.total === 0;
    return {
      count: this.total,
      minMs: empty ? 0 : this.minMicros / 1000,
      meanMs: empty ? 0 : this.sumMicros / this.total / 1000,
      p50Ms: this.percentileMs(50),
      p90Ms: this.percentileMs(90),
      p99Ms: this.percentileMs(99),
      p999Ms: this.percentileMs(99.9),
      maxMs: empty ? 0 : this.maxMicros / 1000,
    };
  }

  /** Latency at percentiles spread evenly on a 1/(1-p) scale, for plotting the distribution. */
  spectrum(): { percentile: number; valueMs: number }[] {
    const points: { percentile: number; valueMs: number }[] = [];
    if (this.total === 0) return points;
    const maxNines = Math.min(5, Math.log10(Math.max(10, this.total)));
    for (let step = 0; step <= maxNines * 20; step++) {
      const percentile = 100 * (1 - 10 ** -(step / 20));
      points.push({ percentile, valueMs: this.percentileMs(percentile) });
    }
    points.push({ percentile: 100, valueMs: this.maxMicros / 1000 });
    return points;
  }

  /** Plain data for a results file; `fromJSON` restores it. Only non-empty buckets are kept. */
  toJSON(): { buckets: [number, number][]; count: number; sumMicros: number; minMicros: number; maxMicros: number } {
    const buckets: [number, number][] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) buckets.push([i, c]);
    });
    return { buckets, count: this.total, sumMicros: this.sumMicros, minMicros: this.total ? this.minMicros : 0, maxMicros: this.maxMicros };
  }

  static fromJSON(data: ReturnType<LatencyHistogram['toJSON']>): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const [i, c] of data.buckets) h.counts[i] = c;
    h.total = data.count;
    h.sumMicros = data.sumMicros;
    h.minMicros = data.count ? data.minMicros : Number.POSITIVE_INFINITY;
    h.maxMicros = data.maxMicros;
    return h;
  }
}
