import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTopicsDoc } from './renderTopicsDoc';
import { TOPICS, topicNames } from './topics';

test('docs/topics.md is generated from the catalogue and up to date', () => {
  const onDisk = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'topics.md'), 'utf8');
  assert.equal(onDisk, renderTopicsDoc(), 'docs/topics.md is stale: run npm run docs:topics');
});

test('every topic is documented and names are namespaced and versioned', () => {
  const names = topicNames('acme');
  for (const t of TOPICS) {
    assert.match(names[t.id], /^acme\.[a-z-]+\.v\d+$/);
    assert.ok(renderTopicsDoc('acme').includes(`\`acme.${t.suffix}\``));
  }
});
