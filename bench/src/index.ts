/**
 * The benchmark suite's reusable parts: the latency histogram, the open-loop schedule and the SVG
 * latency charts. `npm run bench` runs the suite itself (cli.ts).
 */
export { LatencyHistogram } from './stats/histogram';
export type { HistogramSummary } from './stats/histogram';
export { createOpenLoopSchedule, geometricSteps } from './stats/openLoop';
export type { OpenLoopSchedule } from './stats/openLoop';
export { renderLatencyChart } from './report/svg';
export type { ChartSeries } from './report/svg';
