import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapePropertyValue, renderServerProperties } from './serverProperties';

function parse(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]);
  return new Map(entries);
}

test('renders a combined broker and controller on the given ports', () => {
  const props = parse(renderServerProperties({ host: '127.0.0.1', port: 19092, controllerPort: 19093, dataDir: '/tmp/x/data' }));
  assert.equal(props.get('process.roles'), 'broker,controller');
  assert.equal(props.get('node.id'), '1');
  assert.equal(props.get('controller.quorum.voters'), '1@127.0.0.1:19093');
  assert.equal(props.get('listeners'), 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  assert.equal(props.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:19092');
  assert.equal(props.get('log.dirs'), '/tmp/x/data');
});

test('sizes internal topics for a single replica and never creates topics on demand', () => {
  const props = parse(renderServerProperties({ host: '127.0.0.1', port: 9092, controllerPort: 9093, dataDir: '/d' }));
  assert.equal(props.get('offsets.topic.replication.factor'), '1');
  assert.equal(props.get('transaction.state.log.replication.factor'), '1');
  assert.equal(props.get('transaction.state.log.min.isr'), '1');
  assert.equal(props.get('group.initial.rebalance.delay.ms'), '0');
  assert.equal(props.get('group.min.session.timeout.ms'), '1000');
  assert.equal(props.get('auto.create.topics.enable'), 'false');
});

test('every key appears once', () => {
  const lines = renderServerProperties({ host: 'h', port: 1, controllerPort: 2, dataDir: '/d' })
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const keys = lines.map((l) => l.slice(0, l.indexOf('=')));
  assert.equal(new Set(keys).size, keys.length);
});

test('escapes backslashes and a leading space in values', () => {
  assert.equal(escapePropertyValue('C:\\kafka\\data'), 'C:\\\\kafka\\\\data');
  assert.equal(escapePropertyValue(' x'), '\\ x');
  assert.equal(escapePropertyValue('/plain/path'), '/plain/path');
});
