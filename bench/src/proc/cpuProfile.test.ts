import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeCpuProfile, type CpuProfile } from './cpuProfile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

test('self time goes to the sampled function, total time to it and every caller once', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5] },
      { id: 2, callFrame: frame('outer', 'file:///repo/services/gateway/dist/a.js', 9), children: [3] },
      { id: 3, callFrame: frame('inner', '/x/node_modules/avsc/lib/types.js', 99), children: [4] },
      // Recursion: outer appears twice on one stack but counts once in its total.
      { id: 4, callFrame: frame('outer', 'file:///repo/services/gateway/dist/a.js', 9) },
      { id: 5, callFrame: frame('(idle)') },
    ],
    startTime: 0,
    endTime: 100,
    samples: [3, 3, 4, 5, 2],
    timeDeltas: [10, 10, 20, 50, 10],
  };
  const summary = summarizeCpuProfile(profile);
  const by = new Map(summary.functions.map((f) => [f.name, f]));
  assert.equal(summary.durationMicros, 100);
  assert.equal(summary.idleMicros, 50);
  assert.deepEqual(by.get('inner (avsc/lib/types.js:100)'), { name: 'inner (avsc/lib/types.js:100)', selfMicros: 20, totalMicros: 40 });
  assert.deepEqual(by.get('outer (services/gateway/dist/a.js:10)'), { name: 'outer (services/gateway/dist/a.js:10)', selfMicros: 30, totalMicros: 50 });
  assert.equal(summary.functions[0]!.name, '(idle)');
});
