import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GENERATED_TYPES_FILE } from './bin/generateTypes';
import { latestEntries } from './catalog';
import { loadFileCatalog } from './loadFileCatalog';
import { packageRoot } from './packageRoot';
import { parseSchema } from './parseSchema';
import { renderTypes } from './renderTypes';

test('src/generated/types.ts is up to date with the schemas', () => {
  const root = packageRoot();
  const expected = renderTypes(latestEntries(loadFileCatalog(root)).map((e) => e.type));
  const actual = readFileSync(path.join(root, GENERATED_TYPES_FILE), 'utf8');
  assert.equal(actual, expected, 'run npm run gen -w @switchboard/schemas, then rebuild');
});

test('unions become X | null or a union of tagged variants', () => {
  const type = parseSchema({
    type: 'record',
    name: 'io.switchboard.T',
    fields: [
      { name: 'maybe', type: ['null', 'long'] },
      {
        name: 'pick',
        type: [
          { type: 'record', name: 'A', fields: [] },
          { type: 'record', name: 'B', fields: [{ name: 'x', type: 'string' }] },
        ],
      },
    ],
  });
  const text = renderTypes([type]);
  assert.match(text, /readonly maybe: number \| null;/);
  assert.match(text, /readonly pick: TPick;/);
  assert.match(text, /export type TPick =\n {2}\| A\n {2}\| B;/);
  assert.match(text, /export interface B \{\n {2}\/\*\* Variant tag. \*\/\n {2}readonly type: 'B';\n {2}readonly x: string;\n\}/);
});

test('a named type defined differently in two schemas is refused', () => {
  const withOrigin = (name: string, fields: unknown[]) =>
    parseSchema({ type: 'record', name, fields: [{ name: 'o', type: { type: 'record', name: 'io.switchboard.O', fields } }] });
  assert.throws(
    () => renderTypes([withOrigin('io.switchboard.A', []), withOrigin('io.switchboard.B', [{ name: 'x', type: 'int' }])]),
    /O is defined differently/,
  );
});

test('unions other than ["null", X] and unions of records are refused', () => {
  const type = parseSchema({ type: 'record', name: 'io.switchboard.T', fields: [{ name: 'u', type: ['string', 'long'] }] });
  assert.throws(() => renderTypes([type]), /unsupported union \[string, long\]/);
});
