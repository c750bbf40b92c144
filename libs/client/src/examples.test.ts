import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const packageDir = join(__dirname, '..');
const doc = readFileSync(join(packageDir, '..', '..', 'docs', 'client.md'), 'utf8');

/** The fenced block between `<!-- name:begin -->` and `<!-- name:end -->` in docs/client.md. */
export function docBlock(markdown: string, name: string): string {
  const match = new RegExp(`<!-- ${name}:begin -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(markdown);
  if (!match) throw new Error(`docs/client.md has no ${name} block`);
  return match[1] as string;
}

test('the quick start in docs/client.md is examples/quickstart.mjs', () => {
  assert.equal(docBlock(doc, 'quickstart'), readFileSync(join(packageDir, 'examples', 'quickstart.mjs'), 'utf8'));
  assert.match(docBlock(doc, 'quickstart-output'), /^alice sent/);
});

test('every example is valid JavaScript', () => {
  for (const file of readdirSync(join(packageDir, 'examples'))) {
    execFileSync(process.execPath, ['--check', join(packageDir, 'examples', file)]);
  }
});
