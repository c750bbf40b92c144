import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLocalTrust } from './pgHba';

const debianDefault = [
  '# PostgreSQL Client Authentication Configuration File',
  '',
  '# TYPE  DATABASE        USER            ADDRESS                 METHOD',
  'local   all             postgres                                peer',
  'local   all             all                                     peer',
  'host    all             all             127.0.0.1/32            scram-sha-256',
  '',
].join('\n');

test('puts the trust rule before every other rule', () => {
  const lines = withLocalTrust(debianDefault, 'postgres').split('\n');
  const rules = lines.filter((l) => l.trim() !== '' && !l.startsWith('#'));
  assert.equal(rules[0]?.split(/\s+/).join(' '), 'host all postgres 127.0.0.1/32 trust');
  assert.equal(rules.length, 4);
});

test('applying it twice changes nothing the second time', () => {
  const once = withLocalTrust(debianDefault, 'postgres');
  assert.equal(withLocalTrust(once, 'postgres'), once);
});

test('works on an empty file and for another user', () => {
  const text = withLocalTrust('', 'switchboard');
  assert.match(text, /^host\s+all\s+switchboard\s+127\.0\.0\.1\/32\s+trust$/m);
});
