import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, hostPorts, int, loadConfig, oneOf, port, url } from './index';

const spec = {
  PORT: port({ description: 'port', default: 8080 }),
  BROKERS: hostPorts({ description: 'brokers', default: ['127.0.0.1:9092'] }),
  MODE: oneOf({ description: 'mode', default: 'a', values: ['a', 'b'] as const }),
  DB: url({ description: 'db', protocols: ['postgres'] }),
  LIMIT: int({ description: 'limit', default: 5, min: 1, max: 10 }),
};

test('defaults fill unset variables and values are typed', () => {
  const config = loadConfig(spec, { DB: 'postgres://x@h/db' });
  assert.equal(config.PORT, 8080);
  assert.deepEqual(config.BROKERS, ['127.0.0.1:9092']);
  assert.equal(config.MODE, 'a');
  assert.equal(config.LIMIT, 5);
});

test('set values are parsed', () => {
  const config = loadConfig(spec, { PORT: '9000', BROKERS: 'a:1, b:2', MODE: 'b', DB: 'postgres://h/d', LIMIT: '10' });
  assert.equal(config.PORT, 9000);
  assert.deepEqual(config.BROKERS, ['a:1', 'b:2']);
  assert.equal(config.MODE, 'b');
});

test('every bad value is reported at once, each naming its variable', () => {
  assert.throws(
    () => loadConfig(spec, { PORT: 'eighty', BROKERS: 'nohost', MODE: 'c', LIMIT: '11' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const names = err.problems.map((p) => p.split(' ')[0]);
      assert.deepEqual(names.sort(), ['BROKERS', 'DB', 'LIMIT', 'MODE', 'PORT']);
      assert.match(err.message, /PORT must be a whole number, got "eighty"/);
      assert.match(err.message, /DB is required but not set/);
      assert.match(err.message, /LIMIT must be between 1 and 10, got 11/);
      return true;
    },
  );
});

test('credentials in a rejected URL are not echoed', () => {
  assert.throws(() => loadConfig(spec, { DB: 'mysql://user:hunter2@h/db' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.doesNotMatch(err.message, /hunter2/);
    return true;
  });
});
