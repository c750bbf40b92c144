import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClusterList } from './clusters';

test('parses pg_lsclusters -h output', () => {
  const output = [
    '15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log',
    '16  reports 5433 down   postgres /var/lib/postgresql/16/reports /var/log/postgresql/postgresql-16-reports.log',
    '',
  ].join('\n');
  assert.deepEqual(parseClusterList(output), [
    { version: '15', name: 'main', port: 5432, online: true },
    { version: '16', name: 'reports', port: 5433, online: false },
  ]);
});

test('a recovering cluster is online; a header line is ignored', () => {
  const output = 'Ver Cluster Port Status Owner Data directory Log file\n9.6 main 5432 online,recovery postgres /d /l\n';
  assert.deepEqual(parseClusterList(output), [{ version: '9.6', name: 'main', port: 5432, online: true }]);
});
