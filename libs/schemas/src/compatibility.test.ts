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

function latestCommand(): CatalogEntry {
  const entry = catalog.latest(SUBJECTS.command);
  assert.ok(entry, 'Command has a released version');
  return entry;
}
const released = latestCommand();

/** The JSON of the latest released Command, to derive in-test next versions from. */
function commandLatest(): RecordSchema {
  return JSON.parse(readFileSync(path.join(root, schemaFilePath(SUBJECTS.command, released.version)), 'utf8')) as RecordSchema;
}

/** The latest released Command and, as the next version, the given schema. */
function entries(next: RecordSchema): CatalogEntry[] {
  return [released, { id: 1000, subject: SUBJECTS.command, version: released.version + 1, type: parseSchema(next) }];
}

function bodyVariants(schema: RecordSchema): { name: string }[] {
  return schema.fields.find((f) => f.name === 'body')?.type as { name: string }[];
}

test('the latest schema of every subject reads data written with every older version', () => {
  assert.deepEqual(findIncompatibilities(catalog.entries), []);
});

test('the checker reports a new field without a default as incompatible', () => {
  const next = commandLatest();
  next.fields.push({ name: 'priority', type: 'int', doc: 'Delivery priority.' });
  const found = findIncompatibilities(entries(next));
  assert.equal(found.length, 1);
  assert.equal(found[0]?.subject, SUBJECTS.command);
  assert.equal(found[0]?.writerVersion, released.version);
  assert.equal(found[0]?.readerVersion, released.version + 1);
});

test('the checker reports a removed union variant as incompatible', () => {
  const next = commandLatest();
  const body = next.fields.find((f) => f.name === 'body');
  assert.ok(body);
  body.type = bodyVariants(next).filter((variant) => variant.name !== 'Typing');
  assert.equal(findIncompatibilities(entries(next)).length, 1);
});

test('a new field with a default and a new union variant are compatible, and old records decode with the new schema', () => {
  const next = commandLatest();
  next.fields.push({ name: 'priority', type: 'int', default: 0, doc: 'Delivery priority.' });
  const pin = { type: 'record', name: 'Pin', doc: 'Pin a message.', fields: [{ name: 'seq', type: 'long', doc: 'The message.' }] };
  bodyVariants(next).push(pin);
  const both = entries(next);
  assert.deepEqual(findIncompatibilities(both), []);

  const oldBytes = createCodec(createCatalog(both.slice(0, 1))).encode(SUBJECTS.command, COMMAND_SAMPLES.SendMessage);
  const decoded = createCodec(createCatalog(both)).decode(oldBytes, SUBJECTS.command);
  assert.equal(decoded.schemaId, released.id);
  assert.deepEqual(decoded.value, { ...COMMAND_SAMPLES.SendMessage, priority: 0 });
});

test('decoding with a catalog that broke the rule fails with IncompatibleSchemaError', () => {
  const next = commandLatest();
  next.fields.push({ name: 'priority', type: 'int', doc: 'Delivery priority.' });
  const both = entries(next);
  const oldBytes = createCodec(createCatalog(both.slice(0, 1))).encode(SUBJECTS.command, COMMAND_SAMPLES.SendMessage);
  assert.throws(
    () => createCodec(createCatalog(both)).decode(oldBytes),
    (err: unknown) =>
      err instanceof IncompatibleSchemaError &&
      err.retriable === false &&
      new RegExp(`schema id ${released.id} of io\\.switchboard\\.Command`).test(err.message),
  );
});
