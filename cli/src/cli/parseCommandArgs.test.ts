import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from './cliError';
import { EXIT_USAGE } from './exitCodes';
import { parseCommandArgs } from './parseCommandArgs';

const OPTIONS = { as: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, member: { type: 'string', multiple: true } } as const;

test('options and positionals in any order; -- lets text start with a dash', () => {
  const parsed = parseCommandArgs(['hello', '--as', 'alice', '-f', '--member', 'bob', '--member=carol', '--', '--not-an-option'], OPTIONS);
  assert.deepEqual(parsed.values, { as: 'alice', follow: true, member: ['bob', 'carol'] });
  assert.deepEqual(parsed.positionals, ['hello', '--not-an-option']);
});

test('each parse failure becomes one line that names the option, with the usage exit code', () => {
  const cases: [string[], string][] = [
    [['--colour', 'red'], 'unknown option --colour'],
    [['-x'], 'unknown option -x'],
    [['--as'], 'option --as needs a value'],
    [['--as', '--follow'], 'option --as needs a value'],
    [['--follow=yes'], 'option --follow takes no value'],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parseCommandArgs(args, OPTIONS),
      (err: unknown) => err instanceof CliError && err.exitCode === EXIT_USAGE && err.message === message && !err.message.includes('\n'),
      args.join(' '),
    );
  }
});
