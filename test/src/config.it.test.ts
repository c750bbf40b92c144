import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers/platform';

const EXIT_CONFIG = 78;

for (const service of ['router', 'persister', 'gateway'] as const) {
  test(`${service}: an invalid environment value stops it at start with a message naming the variable`, () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'services', service, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, KAFKA_BROKERS: 'not a broker list', LOG_LEVEL: 'loud', SWITCHBOARD_NAMESPACE: 'Bad Namespace!' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, EXIT_CONFIG, `exit status; stderr: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`^${service}: invalid configuration:`, 'm'));
    assert.match(result.stderr, /KAFKA_BROKERS has items not matching/);
    assert.match(result.stderr, /LOG_LEVEL must be one of debug, info, warn, error, got "loud"/);
    assert.match(result.stderr, /SWITCHBOARD_NAMESPACE must match/);
  });
}
