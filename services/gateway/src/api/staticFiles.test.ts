import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { contentTypeFor, resolveStaticPath } from './staticFiles';

const ROOT = path.resolve('/srv/demo');

test('/ and folders serve their index.html', () => {
  assert.equal(resolveStaticPath(ROOT, '/'), path.join(ROOT, 'index.html'));
  assert.equal(resolveStaticPath(ROOT, '/docs/'), path.join(ROOT, 'docs', 'index.html'));
});

test('plain and encoded names inside the folder resolve', () => {
  assert.equal(resolveStaticPath(ROOT, '/app.js'), path.join(ROOT, 'app.js'));
  assert.equal(resolveStaticPath(ROOT, '/img/a%20b.png'), path.join(ROOT, 'img', 'a b.png'));
});

test('path traversal is refused in every spelling', () => {
  for (const attempt of [
    '/../etc/passwd',
    '/..',
    '/a/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2e%2e%2fetc%2fpasswd',
    '/..%2f..%2fetc/passwd',
    '/a/..%5c..%5cetc/passwd',
    '/..\\..\\etc\\passwd',
    '/index.html%00.png',
    '/%E0%A4%A',
    'relative/path',
  ]) {
    assert.equal(resolveStaticPath(ROOT, attempt), undefined, attempt);
  }
});

test('hidden files are not served', () => {
  assert.equal(resolveStaticPath(ROOT, '/.env'), undefined);
  assert.equal(resolveStaticPath(ROOT, '/.git/config'), undefined);
});

test('content types follow the extension', () => {
  assert.equal(contentTypeFor('/x/index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeFor('/x/app.JS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeFor('/x/switchboard-client.mjs'), 'text/javascript; charset=utf-8', 'browsers run module scripts only with a JavaScript type');
  assert.equal(contentTypeFor('/x/style.css'), 'text/css; charset=utf-8');
  assert.equal(contentTypeFor('/x/logo.svg'), 'image/svg+xml');
  assert.equal(contentTypeFor('/x/blob'), 'application/octet-stream');
});
