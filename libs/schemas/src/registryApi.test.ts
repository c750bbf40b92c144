import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readCatalogFile, schemaFilePath } from './loadFileCatalog';
import { packageRoot } from './packageRoot';
import { createRegistryApi, readRegisteredSchemas } from './registryApi';
import { SUBJECTS } from './subjects';

const root = packageRoot();
const api = createRegistryApi(readRegisteredSchemas(root), [
  { topic: 'ns.commands.v1', recordName: SUBJECTS.command },
  { topic: 'ns.events.v1', recordName: SUBJECTS.event },
]);
const get = (p: string) => api.answer('GET', p);
const fileJson = (subject: string, version: number): unknown => JSON.parse(readFileSync(path.join(root, schemaFilePath(subject, version)), 'utf8'));

test('every catalog id answers with its schema file, unchanged', () => {
  for (const row of readCatalogFile(root)) {
    const answer = get(`/schemas/ids/${row.id}`);
    assert.equal(answer.status, 200);
    const { schema } = answer.body as { schema: string };
    assert.deepEqual(JSON.parse(schema), fileJson(row.subject, row.version), `id ${row.id}`);
    assert.deepEqual(get(`/schemas/ids/${row.id}/schema`).body, fileJson(row.subject, row.version));
  }
});

test('subjects: record names and <topic>-value, with the same versions and ids', () => {
  assert.deepEqual(get('/subjects').body, [
    SUBJECTS.command,
    SUBJECTS.delivery,
    SUBJECTS.event,
    'ns.commands.v1-value',
    'ns.events.v1-value',
  ]);
  const versions = get('/subjects/ns.events.v1-value/versions').body as number[];
  assert.deepEqual(versions, get(`/subjects/${SUBJECTS.event}/versions`).body);
  assert.ok(versions.length >= 2);
  const latest = get('/subjects/ns.events.v1-value/versions/latest').body as { subject: string; version: number; id: number; schema: string };
  const newest = readCatalogFile(root).filter((r) => r.subject === SUBJECTS.event).sort((a, b) => b.version - a.version)[0]!;
  assert.deepEqual({ ...latest, schema: JSON.parse(latest.schema) }, {
    subject: 'ns.events.v1-value',
    version: newest.version,
    id: newest.id,
    schema: fileJson(SUBJECTS.event, newest.version),
  });
  assert.deepEqual(get('/subjects/ns.events.v1-value/versions/-1').body, latest);
  assert.equal((get('/subjects/ns.events.v1-value/versions/1').body as { id: number }).id, 2);
  assert.deepEqual(get('/schemas/ids/2/versions').body, [
    { subject: SUBJECTS.event, version: 1 },
    { subject: 'ns.events.v1-value', version: 1 },
  ]);
  assert.deepEqual(get('/schemas/ids/2/subjects').body, [SUBJECTS.event, 'ns.events.v1-value']);
});

test('percent-encoded subjects, config, mode and types', () => {
  assert.equal(get('/subjects/ns.events.v1%2Dvalue/versions/1').status, 200);
  assert.deepEqual(get('/config').body, { compatibilityLevel: 'BACKWARD_TRANSITIVE' });
  assert.deepEqual(get(`/config/${SUBJECTS.command}`).body, { compatibilityLevel: 'BACKWARD_TRANSITIVE' });
  assert.deepEqual(get('/mode').body, { mode: 'READONLY' });
  assert.deepEqual(get('/schemas/types').body, ['AVRO']);
  assert.deepEqual(get('/').body, {});
});

test('errors use the registry format and codes', () => {
  const error = (p: string, method = 'GET') => {
    const answer = api.answer(method, p);
    return [answer.status, (answer.body as { error_code: number }).error_code, typeof (answer.body as { message: unknown }).message];
  };
  assert.deepEqual(error('/subjects/nope/versions'), [404, 40401, 'string']);
  assert.deepEqual(error('/subjects/nope/versions/latest'), [404, 40401, 'string']);
  assert.deepEqual(error('/config/nope'), [404, 40401, 'string']);
  assert.deepEqual(error('/subjects/ns.events.v1-value/versions/99'), [404, 40402, 'string']);
  assert.deepEqual(error('/subjects/ns.events.v1-value/versions/0'), [422, 42202, 'string']);
  assert.deepEqual(error('/subjects/ns.events.v1-value/versions/one'), [422, 42202, 'string']);
  assert.deepEqual(error('/schemas/ids/999'), [404, 40403, 'string']);
  assert.deepEqual(error('/schemas/ids/abc'), [404, 40403, 'string']);
  assert.deepEqual(error('/schemas/ids/999/versions'), [404, 40403, 'string']);
  assert.deepEqual(error('/nothing/here'), [404, 404, 'string']);
  assert.deepEqual(error('/subjects/ns.events.v1-value/versions', 'POST'), [405, 405, 'string']);
  assert.deepEqual(error('/subjects/ns.events.v1-value', 'DELETE'), [405, 405, 'string']);
  assert.deepEqual(error('/subjects/%E0%A4%A'), [400, 400, 'string']);
});
