import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createCatalog, latestEntries } from './catalog';
import { createCodec } from './createCodec';
import { GOLDEN_DIR, goldenFileName, readGoldenRecords } from './golden';
import { loadFileCatalog } from './loadFileCatalog';
import { packageRoot } from './packageRoot';
import { SAMPLES } from './samples';

const root = packageRoot();
const catalog = loadFileCatalog(root);
const records = readGoldenRecords(root);
const RECORD_HINT = 'if the change is intended, run npm run golden:record -w @switchboard/schemas';

test('golden recordings exist', () => {
  assert.ok(records.length > 0);
});

test('every golden recording decodes to its value and the value encodes to the same bytes', () => {
  for (const golden of records) {
    const name = goldenFileName(golden);
    const entry = catalog.byId(golden.schemaId);
    assert.equal(entry?.subject, golden.subject, `${name}: schema id ${golden.schemaId} changed subject`);
    assert.equal(entry?.version, golden.version, `${name}: schema id ${golden.schemaId} changed version`);
    // A codec that sees the catalog as it was when this version was the newest.
    const asRecorded = createCodec(
      createCatalog(catalog.entries.filter((e) => e.subject !== golden.subject || e.version <= golden.version)),
    );
    const bytes = Buffer.from(golden.hex, 'hex');
    assert.deepEqual(asRecorded.decode(bytes, golden.subject).value, golden.value, `${name}: decodes differently`);
    assert.equal(asRecorded.encode(golden.subject, golden.value).toString('hex'), golden.hex, `${name}: encodes differently; ${RECORD_HINT}`);
  }
});

test('every golden recording still decodes with the latest schemas', () => {
  const codec = createCodec(catalog);
  for (const golden of records) {
    const decoded = codec.decode(Buffer.from(golden.hex, 'hex'), golden.subject);
    assert.equal(decoded.schemaId, golden.schemaId);
  }
});

test('every sample is recorded for the latest version of its subject', () => {
  for (const entry of latestEntries(catalog)) {
    for (const [name, value] of Object.entries(SAMPLES[entry.subject] ?? {})) {
      const file = path.join(root, GOLDEN_DIR, goldenFileName({ subject: entry.subject, version: entry.version, case: name }));
      assert.ok(existsSync(file), `${file} is missing; ${RECORD_HINT}`);
      const golden = records.find((r) => r.subject === entry.subject && r.version === entry.version && r.case === name);
      assert.deepEqual(golden?.value, value, `${file}: the sample changed; ${RECORD_HINT}`);
    }
  }
});
