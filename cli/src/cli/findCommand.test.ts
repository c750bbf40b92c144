import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from './command';
import { findCommand } from './findCommand';
import { GLOBAL_OPTIONS } from './settings';

function command(path: string[], options: Command['options'] = {}): Command {
  return { path, summary: '', synopsis: [path.join(' ')], help: '', options, positionals: { min: 0, max: 9, names: '' }, run: async () => 0 };
}

const COMMANDS = [command(['token'], { ttl: { type: 'string' } }), command(['topics', 'list']), command(['topics', 'tail'], { limit: { type: 'string' } })];

test('the command words may follow global options and their values; the rest keeps its order', () => {
  const found = findCommand(['--namespace', 'topics', 'topics', 'tail', 'events', '--limit', '5'], COMMANDS, GLOBAL_OPTIONS);
  assert.equal(found.kind, 'command');
  if (found.kind !== 'command') return;
  assert.deepEqual(found.command.path, ['topics', 'tail']);
  assert.deepEqual(found.rest, ['--namespace', 'topics', 'events', '--limit', '5']);
});

test('a single-word command keeps every positional after it', () => {
  const found = findCommand(['token', 'topics', '--ttl', '1h'], COMMANDS, GLOBAL_OPTIONS);
  assert.ok(found.kind === 'command' && found.command.path[0] === 'token');
  assert.deepEqual(found.kind === 'command' && found.rest, ['topics', '--ttl', '1h']);
});

test('no words, a group without its subcommand, and unknown words', () => {
  assert.equal(findCommand(['--verbose'], COMMANDS, GLOBAL_OPTIONS).kind, 'none');
  const group = findCommand(['topics', '--help'], COMMANDS, GLOBAL_OPTIONS);
  assert.ok(group.kind === 'group' && group.subcommands.length === 2);
  assert.throws(() => findCommand(['tokn'], COMMANDS, GLOBAL_OPTIONS), /unknown command "tokn" \(commands: token, topics\)/);
  assert.throws(() => findCommand(['topics', 'peek'], COMMANDS, GLOBAL_OPTIONS), /unknown topics subcommand "peek" \(list, tail\)/);
});
