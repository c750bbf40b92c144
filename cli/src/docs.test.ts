import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLOBAL_OPTIONS } from './cli/settings';
import { COMMANDS } from './commands';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');

test('docs/cli.md shows every command with its synopsis and an example, and every global option', () => {
  for (const command of COMMANDS) {
    const words = command.path.join(' ');
    const synopsis = `switchboard ${command.synopsis[0]}`;
    const stackForm = `switchboard ${command.path[0]} up|down|status [--json]`;
    assert.ok(doc.includes(synopsis) || (command.path[0] === 'stack' && doc.includes(stackForm)), `docs/cli.md lacks "${synopsis}"`);
    assert.ok(doc.includes(`npx switchboard ${words}`), `docs/cli.md has no example of ${words}`);
  }
  for (const option of Object.keys(GLOBAL_OPTIONS)) assert.ok(doc.includes(`\`--${option}`), `docs/cli.md lacks --${option}`);
});
