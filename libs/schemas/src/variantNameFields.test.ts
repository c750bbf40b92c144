import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createCatalog, type CatalogEntry } from './catalog';
import { findIncompatibilities } from './compatibility';
import { createCodec } from './createCodec';
import { EncodeError } from './errors';
import { readGoldenRecords } from './golden';
import { loadFileCatalog, schemaFilePath } from './loadFileCatalog';
import { packageRoot } from './packageRoot';
import { parseSchema } from './parseSchema';
import { COMMAND_SAMPLES, EVENT_SAMPLES } from './samples';
import { SUBJECTS } from './subjects';
import { VARIANT_NAME_FIELDS } from './variantNameFields';
import { HEADER_LENGTH } from './wireFormat';

const root = packageRoot();
const catalog = loadFileCatalog(root);
const codec = createCodec(catalog);

/** The record as any Avro reader sees it with the writer's schema, without this package's mapping. */
function plainAvro(bytes: Buffer): Record<string, unknown> {
  const writer = catalog.byId(bytes.readUInt32BE(1));
  assert.ok(writer);
  return writer.type.fromBuffer(bytes.subarray(HEADER_LENGTH)) as Record<string, unknown>;
}

test('events and commands name their variant inside the value, as written by the latest schemas', () => {
  for (const [subject, samples] of [
    [SUBJECTS.event, EVENT_SAMPLES],
    [SUBJECTS.command, COMMAND_SAMPLES],
  ] as const) {
    const { field } = VARIANT_NAME_FIELDS[subject]!;
    for (const [name, sample] of Object.entries(samples)) {
      const bytes = codec.encode(subject, sample);
      assert.equal(plainAvro(bytes)[field], sample.body.type, `${subject} ${name}`);
      // TypeScript values keep the body's tag only: the field is not repeated on decode.
      assert.deepEqual(codec.decode(bytes, subject).value, sample);
    }
  }
});

test('ReadCursorMoved and DeliveryAcked, alike in their fields, are told apart without headers or union names', () => {
  const names = ['ReadCursorMoved', 'DeliveryAcked'].map((kind) => plainAvro(codec.encode(SUBJECTS.event, EVENT_SAMPLES[kind]))['eventType']);
  assert.deepEqual(names, ['ReadCursorMoved', 'DeliveryAcked']);
});

test('version 1 records of Event and Command decode under the new versions to the values they were written with', () => {
  const v1 = readGoldenRecords(root).filter((r) => (r.subject === SUBJECTS.event || r.subject === SUBJECTS.command) && r.version === 1);
  assert.ok(v1.length >= Object.keys(EVENT_SAMPLES).length + Object.keys(COMMAND_SAMPLES).length - 2, 'v1 golden records');
  for (const golden of v1) {
    assert.ok((catalog.latest(golden.subject)?.version ?? 0) >= 2, `${golden.subject} has a newer version`);
    const decoded = codec.decode(Buffer.from(golden.hex, 'hex'), golden.subject);
    assert.equal(decoded.schemaId, golden.schemaId);
    assert.deepEqual(decoded.value, golden.value, `${golden.subject} v1 ${golden.case}`);
    // A generic reader resolving to the new schema sees the field's default.
    const latest = catalog.latest(golden.subject)!;
    const writer = catalog.byId(golden.schemaId)!;
    const resolved = latest.type.fromBuffer(Buffer.from(golden.hex, 'hex').subarray(HEADER_LENGTH), latest.type.createResolver(writer.type));
    assert.equal((resolved as Record<string, unknown>)[VARIANT_NAME_FIELDS[golden.subject]!.field], '');
  }
});

test('a value that sets the variant-name field itself is refused: the codec writes it', () => {
  assert.throws(
    () => codec.encode(SUBJECTS.event, { ...EVENT_SAMPLES.MessageSent, eventType: 'MessageDeleted' }),
    (err: unknown) => err instanceof EncodeError && err.problems.some((p) => p.path === 'eventType'),
  );
});

test('the compatibility check refuses a next Event version that breaks the rule', () => {
  const latest = catalog.latest(SUBJECTS.event)!;
  const schema = () =>
    JSON.parse(readFileSync(path.join(root, schemaFilePath(SUBJECTS.event, latest.version)), 'utf8')) as {
      fields: { name: string; type: unknown; default?: unknown }[];
    };
  const next = (json: unknown): CatalogEntry[] => [latest, { id: 1000, subject: SUBJECTS.event, version: latest.version + 1, type: parseSchema(json) }];

  const enumType = schema();
  enumType.fields[0] = { ...enumType.fields[0]!, type: { type: 'enum', name: 'EventType', doc: 'Kinds.', symbols: ['MessageSent'] }, default: 'MessageSent' };
  const renamed = schema();
  renamed.fields = renamed.fields.map((f) => (f.name === 'actorId' ? { ...f, name: 'userId' } : f));

  for (const [what, json] of [
    ['eventType turned into an enum', enumType],
    ['actorId renamed without an alias', renamed],
  ] as const) {
    const found = findIncompatibilities(next(json));
    assert.equal(found.length, 1, what);
    assert.equal(found[0]?.writerVersion, latest.version, what);
  }
  // The same check accepts the catalog as released.
  assert.deepEqual(findIncompatibilities(createCatalog(catalog.entries).entries), []);
});
