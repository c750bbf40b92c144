import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createCatalog, type CatalogEntry } from './catalog';
import { findIncompatibilities } from './compatibility';
import { createCodec } from './createCodec';
import { IncompatibleSchemaError } from './errors';
import { loadFileCatalog, schemaFilePath } from './loadFileCatalog';
import { packageRoot } from './packageRoot';
import { parseSchema } from './parseSchema';
import { COMMAND_SAMPLES } from './samples';
import { SUBJECTS } from './subjects';

const root = packageRoot();
const catalog = loadFileCatalog(root);

interface RecordSchema {
  fields: { name: string; type: unknown; default?: unknown; doc?: string }[];
}

/** The JSON of Command v1, to derive in-test v2 schemas from. */
function commandV1(): RecordSchema {
  return JSON.parse(readFileSync(path.join(root, schemaFilePath(SUBJECTS.command, 1)), 'utf8')) as RecordSchema;
}

function entries(v2: RecordSchema): CatalogEntry[] {
  const v1 = catalog.latest(SUBJECTS.command);
  assert.ok(v1 && v1.version === 1, 'these tests assume Command is at v1; move them to the newest version');
  return [v1, { id: 1000, subject: SUBJECTS.command, version: 2, type: parseSchema(v2) }];
}

function bodyVariants(schema: RecordSchema): { name: string }[] {
  return schema.fields.find((f) => f.name === 'body')?.type as { name: string }[];
}

test('the latest schema of every subject reads data written with every older version', () => {
  assert.deepEqual(findIncompatibilities(catalog.entries), []);
});

test('the checker reports a new field without a default as incompatible', () => {
  const v2 = commandV1();
  v2.fields.push({ name: 'priority', type: 'int', doc: 'Delivery priority.' });
  const found = findIncompatibilities(entries(v2));
  assert.equal(found.length, 1);
  assert.equal(found[0]?.subject, SUBJECTS.command);
  assert.equal(found[0]?.writerVersion, 1);
  assert.equal(found[0]?.readerVersion, 2);
});

test('the checker reports a removed union variant as incompatible', () => {
  const v2 = commandV1();
  const body = v2.fields.find((f) => f.name === 'body');
  assert.ok(body);
  body.type = bodyVariants(v2).filter((variant) => variant.name !== 'Typing');
  assert.equal(findIncompatibilities(entries(v2)).length, 1);
});

test('a new field with a default and a new union variant are compatible, and old records decode with the new schema', () => {
  const v2 = commandV1();
  v2.fields.push({ name: 'priority', type: 'int', default: 0, doc: 'Delivery priority.' });
  const pin = { type: 'record', name: 'Pin', doc: 'Pin a message.', fields: [{ name: 'seq', type: 'long', doc: 'The message.' }] };
  bodyVariants(v2).push(pin);
  const both = entries(v2);
  assert.deepEqual(findIncompatibilities(both), []);

  const oldBytes = createCodec(createCatalog(both.slice(0, 1))).encode(SUBJECTS.command, COMMAND_SAMPLES.SendMessage);
  const decoded = createCodec(createCatalog(both)).decode(oldBytes, SUBJECTS.command);
  assert.equal(decoded.schemaId, 1);
  assert.deepEqual(decoded.value, { ...COMMAND_SAMPLES.SendMessage, priority: 0 });
});

test('decoding with a catalog that broke the rule fails with IncompatibleSchemaError', () => {
  const v2 = commandV1();
  v2.fields.push({ name: 'priority', type: 'int', doc: 'Delivery priority.' });
  const both = entries(v2);
  const oldBytes = createCodec(createCatalog(both.slice(0, 1))).encode(SUBJECTS.command, COMMAND_SAMPLES.SendMessage);
  assert.throws(
    () => createCodec(createCatalog(both)).decode(oldBytes),
    (err: unknown) =>
      err instanceof IncompatibleSchemaError &&
      err.retriable === false &&
      /schema id 1 of io\.switchboard\.Command/.test(err.message),
  );
});
