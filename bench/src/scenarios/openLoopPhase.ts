import { performance } from 'node:perf_hooks';
import { LatencyHistogram, type HistogramSummary } from '../stats/histogram';
import { createOpenLoopSchedule } from '../stats/openLoop';
import type { LoadClient } from '../clients/loadClient';
import { sleep } from '../platform/processes';

export const now = (): number => performance.now();

export interface PhaseOptions {
  ratePerSecond: number;
  durationMs: number;
  /** Sent at the same rate first, not measured. */
  warmupMs: number;
  /** Longest wait for late deliveries after the last send. */
  drainMs: number;
  /** Deliveries each message should cause (1 for 1:1, members - 1 for a group). */
  deliveriesPerMessage: number;
  /** Sends message `index` with `body`; `requestId` comes back in the reply. */
  send(index: number, body: string, requestId: string): void;
  /** Hard cap on messages, whatever the rate and duration. */
  maxMessages?: number;
}

export interface PhaseResult {
  offeredRate: number;
  /** Measured messages sent. */
  sent: number;
  expectedDeliveries: number;
  delivered: number;
  /** Deliveries that had not arrived when the drain time ran out (counted in the latency histogram with the time waited so far). */
  lost: number;
  duplicates: number;
  errors: number;
  errorCodes: Record<string, number>;
  /** Deliveries per second over the measured messages, from the first scheduled send to the last delivery. */
  deliveredPerSecond: number;
  latency: HistogramSummary;
  ack: HistogramSummary;
  histogram: LatencyHistogram;
  seconds: number;
}

/**
 * One open-loop phase: messages are due by the clock, bodies carry their index and scheduled
 * time, and every delivery is timed from that scheduled time. Clients are wired to this phase
 * through `attach`; deliveries of messages from other phases are ignored.
 */
export class OpenLoopPhase {
  private readonly base: number;
  private readonly scheduled: Float64Array;
  private readonly counts: Uint16Array;
  private readonly warmupCount: number;
  private readonly histogram = new LatencyHistogram();
  private readonly ackHistogram = new LatencyHistogram();
  private deliveredMeasured = 0;
  private duplicates = 0;
  private errors = 0;
  private readonly errorCodes: Record<string, number> = {};
  private lastDeliveryAt = 0;
  private readonly total: number;

  constructor(
    private readonly options: PhaseOptions,
    /** First message index of this phase; indices are unique across the phases of a run. */
    base: number,
  ) {
    this.base = base;
    const totalMs = options.warmupMs + options.durationMs;
    this.total = Math.min(options.maxMessages ?? Number.POSITIVE_INFINITY, Math.floor((totalMs / 1000) * options.ratePerSecond));
    this.warmupCount = Math.min(this.total, Math.floor((options.warmupMs / 1000) * options.ratePerSecond));
    this.scheduled = new Float64Array(this.total);
    this.counts = new Uint16Array(this.total);
  }

  get nextBase(): number {
    return this.base + this.total;
  }

  attach(client: LoadClient): void {
    client.onDelivery = (body) => this.delivery(body);
    client.onReply = (requestId, ok, code) => this.reply(requestId, ok, code);
  }

  private delivery(body: string): void {
    const colon = body.indexOf(':');
    const index = Number(body.slice(0, colon)) - this.base;
    if (!(index >= 0 && index < this.total)) return;
    const at = now();
    const count = ++this.counts[index]!;
    if (count > this.options.deliveriesPerMessage) {
      this.duplicates++;
      return;
    }
    if (index < this.warmupCount) return;
    this.histogram.recordMs(at - Number(body.slice(colon + 1)));
    this.deliveredMeasured++;
    this.lastDeliveryAt = at;
  }

  private reply(requestId: string, ok: boolean, code?: string): void {
    const index = Number(requestId) - this.base;
    if (!(index >= 0 && index < this.total)) return;
    if (!ok) {
      this.errors++;
      const key = code ?? 'error';
      this.errorCodes[key] = (this.errorCodes[key] ?? 0) + 1;
      return;
    }
    if (index >= this.warmupCount) this.ackHistogram.recordMs(now() - this.scheduled[index]!);
  }

  /** After a phase that fell behind: waits until deliveries stop arriving for a second, at most `maxMs`. */
  async waitQuiet(maxMs: number): Promise<void> {
    const until = now() + maxMs;
    let seen = -1;
    let quietSince = now();
    while (now() < until) {
      const total = this.deliveredMeasured + this.duplicates;
      if (total !== seen) {
        seen = total;
        quietSince = now();
      } else if (now() - quietSince > 1000) return;
      await sleep(100);
    }
  }

  async run(): Promise<PhaseResult> {
    const { options } = this;
    const start = now() + 5;
    const schedule = createOpenLoopSchedule({ ratePerSecond: options.ratePerSecond, startMs: start, durationMs: options.warmupMs + options.durationMs, maxMessages: this.total });
    let index = 0;
    while (!schedule.done) {
      for (const at of schedule.takeDue(now())) {
        this.scheduled[index] = at;
        const global = this.base + index;
        options.send(global, `${global}:${at.toFixed(3)}`, String(global));
        index++;
      }
      if (!schedule.done) await sleep(1);
    }
    const measured = this.total - this.warmupCount;
    const expected = measured * options.deliveriesPerMessage;
    const drainUntil = now() + options.drainMs;
    while (this.deliveredMeasured < expected && now() < drainUntil) await sleep(10);
    // Deliveries still missing count with the time they have waited so far, a lower bound, so an
    // overloaded system cannot look fast by leaving its slowest messages out of the percentiles.
    const givenUpAt = now();
    for (let i = this.warmupCount; i < this.total; i++) {
      for (let missing = options.deliveriesPerMessage - Math.min(this.counts[i]!, options.deliveriesPerMessage); missing > 0; missing--) {
        this.histogram.recordMs(givenUpAt - this.scheduled[i]!);
      }
    }
    const measureStart = this.scheduled[this.warmupCount] ?? start;
    const seconds = Math.max(1e-3, ((this.lastDeliveryAt || now()) - measureStart) / 1000);
    return {
      offeredRate: options.ratePerSecond,
      sent: measured,
      expectedDeliveries: expected,
      delivered: this.deliveredMeasured,
      lost: Math.max(0, expected - this.deliveredMeasured),
      duplicates: this.duplicates,
      errors: this.errors,
      errorCodes: this.errorCodes,
      deliveredPerSecond: this.deliveredMeasured / seconds,
      latency: this.histogram.summary(),
      ack: this.ackHistogram.summary(),
      histogram: this.histogram,
      seconds,
    };
  }
}
