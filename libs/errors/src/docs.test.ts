import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from './codes';

test('docs/protocol.md lists every error code with its retriable flag and close code', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'protocol.md'), 'utf8');
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `docs/protocol.md has no row for ${code}`);
    const cells = row.split('|').map((c) => c.trim());
    assert.equal(cells[2], spec.retriable ? 'yes' : 'no', `${code} retriable`);
    assert.equal(cells[3], 'close' in spec ? String(spec.close) : '', `${code} close code`);
  }
});
