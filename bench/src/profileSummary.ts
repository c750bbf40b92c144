/**
 * node bench/dist/profileSummary.js <file.cpuprofile> [--top N] [--total]
 *
 * Prints the functions with the most self time (or, with --total, the most time including what
 * they call) in a profile written by `node --cpu-prof`, e.g. one taken with BENCH_CPU_PROF.
 */
import { readFileSync } from 'node:fs';
import { summarizeCpuProfile, type CpuProfile } from './proc/cpuProfile';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 30;
const byTotal = args.includes('--total');
if (!file) {
  process.stderr.write('usage: node bench/dist/profileSummary.js <file.cpuprofile> [--top N] [--total]\n');
  process.exit(2);
}
const summary = summarizeCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
const busy = summary.durationMicros - summary.idleMicros;
const functions = [...summary.functions].filter((f) => f.name !== '(idle)');
if (byTotal) functions.sort((a, b) => b.totalMicros - a.totalMicros);
const pct = (micros: number) => ((100 * micros) / busy).toFixed(1).padStart(5);
process.stdout.write(`${(summary.durationMicros / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(2)} s busy (${((100 * busy) / summary.durationMicros).toFixed(0)} %)\n`);
process.stdout.write(' self%  total%  function\n');
for (const f of functions.slice(0, top)) process.stdout.write(`${pct(f.selfMicros)}  ${pct(f.totalMicros)}   ${f.name}\n`);
