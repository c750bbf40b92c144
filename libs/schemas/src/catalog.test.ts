import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fieldDoc, isEnum, isRecord } from './avroTypes';
import { createCatalog, latestEntries } from './catalog';
import { loadFileCatalog, readCatalogFile, schemaFilePath } from './loadFileCatalog';
import { packageRoot } from './packageRoot';
import { parseSchema } from './parseSchema';
import { SUBJECTS } from './subjects';
import { namedTypes } from './testSupport';

const root = packageRoot();
const catalog = loadFileCatalog(root);

test('catalog ids are positive integers, unique, and increase with each subject version', () => {
  const rows = readCatalogFile(root);
  assert.ok(rows.length > 0);
  const ids = rows.map((r) => r.id);
  assert.ok(ids.every((id) => Number.isInteger(id) && id > 0), `ids: ${ids.join(', ')}`);
  assert.equal(new Set(ids).size, ids.length, `duplicate schema ids in catalog.json: ${ids.join(', ')}`);
  const bySubject = new Map<string, typeof rows>();
  for (const row of rows) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);
  for (const [subject, versions] of bySubject) {
    const sorted = [...versions].sort((a, b) => a.version - b.version);
    assert.deepEqual(sorted.map((r) => r.version), sorted.map((_, i) => i + 1), `${subject}: versions must be 1, 2, 3, ...`);
    for (let i = 1; i < sorted.length; i++) {
      assert.ok((sorted[i]?.id ?? 0) > (sorted[i - 1]?.id ?? 0), `${subject}: a newer version must get a newer id`);
    }
  }
});

test('every catalog entry has a schema file that parses and defines the subject', () => {
  for (const row of readCatalogFile(root)) {
    const file = path.join(root, schemaFilePath(row.subject, row.version));
    assert.ok(existsSync(file), `missing ${file}`);
    assert.equal(catalog.byId(row.id)?.type.name, row.subject);
  }
});

test('every schema file is in the catalog', () => {
  const listed = new Set(readCatalogFile(root).map((r) => schemaFilePath(r.subject, r.version)));
  const avroDir = path.join(root, 'avro');
  for (const subject of readdirSync(avroDir)) {
    for (const file of readdirSync(path.join(avroDir, subject))) {
      const relative = path.join('avro', subject, file);
      assert.ok(listed.has(relative), `${relative} is not in catalog.json (or is misnamed: avro/<subject>/v<N>.avsc)`);
    }
  }
});

test('every record, field and enum is documented and named under io.switchboard', () => {
  for (const entry of catalog.entries) {
    for (const [name, type] of namedTypes(entry.type)) {
      assert.match(name, /^io\.switchboard\.[A-Z]\w*$/, `${entry.subject} v${entry.version}: ${name}`);
      if (isRecord(type) || isEnum(type)) assert.ok(type.doc, `${entry.subject} v${entry.version}: ${name} has no doc`);
      if (isRecord(type)) {
        for (const field of type.fields) assert.ok(fieldDoc(field), `${entry.subject} v${entry.version}: ${name}.${field.name} has no doc`);
      }
    }
  }
});

test('a named type shared by several latest schemas has the same definition in each', () => {
  const definitions = new Map<string, { subject: string; schema: string }>();
  for (const entry of latestEntries(catalog)) {
    for (const [name, type] of namedTypes(entry.type)) {
      const schema = JSON.stringify(type.schema({ exportAttrs: true }));
      const first = definitions.get(name);
      if (!first) definitions.set(name, { subject: entry.subject, schema });
      else assert.equal(schema, first.schema, `${name} differs between ${first.subject} and ${entry.subject}`);
    }
  }
  for (const shared of ['Origin', 'ConversationKind', 'Typing', 'Signal', 'SignalKind', 'Event']) {
    assert.ok(definitions.has(`io.switchboard.${shared}`), shared);
  }
});

test('every subject constant has a schema in the catalog', () => {
  for (const subject of Object.values(SUBJECTS)) assert.ok(catalog.latest(subject), subject);
});

test('createCatalog rejects a reused id, a repeated version and a schema named after another subject', () => {
  const type = parseSchema({ type: 'record', name: 'io.switchboard.T', fields: [] });
  const other = parseSchema({ type: 'record', name: 'io.switchboard.U', fields: [] });
  assert.throws(
    () =>
      createCatalog([
        { id: 1, subject: 'io.switchboard.T', version: 1, type },
        { id: 1, subject: 'io.switchboard.U', version: 1, type: other },
      ]),
    /schema id 1 is already used by io\.switchboard\.T v1/,
  );
  assert.throws(
    () => createCatalog([{ id: 1, subject: 'io.switchboard.T', version: 1, type }, { id: 2, subject: 'io.switchboard.T', version: 1, type }]),
    /listed twice/,
  );
  assert.throws(
    () => createCatalog([{ id: 1, subject: 'io.switchboard.U', version: 1, type }]),
    /defines io\.switchboard\.T, not io\.switchboard\.U/,
  );
});

test('a schema file must define every named type it uses', () => {
  assert.throws(() =>
    parseSchema({ type: 'record', name: 'io.switchboard.T', fields: [{ name: 'origin', type: 'io.switchboard.Origin' }] }),
  );
});
