import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { COMMANDS } from './commands';

const MAIN = join(__dirname, 'main.js');
const GROUP = 'grp.0123456789abcdef0123456789abcdef';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command as a user would, with only the given environment besides PATH. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs many command lines, a few at a time: dozens of Node processes at once would only contend for the CPU. */
async function runAll(lines: readonly { args: readonly string[]; env?: NodeJS.ProcessEnv }[], parallel = 4): Promise<Run[]> {
  const results: Run[] = new Array<Run>(lines.length);
  let next = 0;
  const worker = async () => {
    while (next < lines.length) {
      const index = next++;
      results[index] = await run(lines[index]!.args, lines[index]!.env);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

test('every command, every group and the program answer --help with their usage on stdout and exit 0', async () => {
  const cases: [string[], string][] = [
    [['--help'], 'usage: switchboard <command> [options]'],
    [['-h'], 'usage: switchboard <command> [options]'],
    [['topics', '--help'], 'usage: switchboard topics <list|tail> [options]'],
    [['group', '--help'], 'usage: switchboard group <create|add|remove|list> [options]'],
    [['stack', '--help'], 'usage: switchboard stack <up|down|status> [options]'],
    ...COMMANDS.map((c): [string[], string] => [[...c.path, '--help'], `usage: switchboard ${c.synopsis[0]}`]),
  ];
  const results = await runAll(cases.map(([args]) => ({ args })));
  cases.forEach(([args, first], i) => {
    const result = results[i]!;
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout.split('\n')[0], first, args.join(' '));
    assert.match(result.stdout, /global options:\n  --gateway <url>/, args.join(' '));
    assert.equal(result.stderr, '', args.join(' '));
  });
  const top = results[0]!.stdout;
  for (const command of COMMANDS) assert.ok(top.includes(`  ${command.synopsis[0]}`), `the program's help lists ${command.path.join(' ')}`);
});

test('bad arguments and settings exit non-zero with one line naming the problem', async () => {
  const cases: { args: string[]; env?: NodeJS.ProcessEnv; code: number; message: string }[] = [
    { args: [], code: 64, message: 'switchboard: missing command' },
    { args: ['frobnicate'], code: 64, message: 'switchboard: unknown command "frobnicate" (commands: token, send, listen, history, group, topics, stack)' },
    { args: ['--colour'], code: 64, message: "switchboard: unknown option --colour (see 'switchboard --help')" },
    { args: ['topics'], code: 64, message: 'switchboard topics: missing subcommand (list, tail)' },
    { args: ['topics', 'peek'], code: 64, message: 'switchboard: unknown topics subcommand "peek" (list, tail)' },
    { args: ['token'], code: 64, message: "switchboard token: missing <user> (see 'switchboard token --help')" },
    { args: ['token', 'bad user!'], code: 64, message: 'switchboard token: <user> must be 1-128 of A-Z a-z 0-9 . _ @ -, got "bad user!"' },
    { args: ['token', 'alice', '--ttl', 'soon'], code: 64, message: 'switchboard token: --ttl must be a duration like 90s, 15m, 1h or 7d, got "soon"' },
    { args: ['token', 'alice', '--ttl'], code: 64, message: 'switchboard token: option --ttl needs a value' },
    { args: ['token', 'alice', 'bob'], code: 64, message: 'switchboard token: unexpected argument "bob"' },
    { args: ['send', 'hi'], code: 64, message: 'switchboard send: missing --as' },
    { args: ['send', '--as', 'alice', 'hi'], code: 64, message: 'switchboard send: missing --to <user> or --group <conversationId>' },
    { args: ['send', '--as', 'alice', '--to', 'bob'], code: 64, message: 'switchboard send: missing <text>' },
    { args: ['send', '--as', 'alice', '--to', 'bob', '--group', GROUP, 'hi'], code: 64, message: 'switchboard send: give --to or --group, not both' },
    { args: ['send', '--as', 'alice', '--group', 'team', 'hi'], code: 64, message: 'switchboard send: --group must be a conversation id (grp.<32 hex> or dm.<32 hex>), got "team"' },
    { args: ['send', '--as', 'alice', '--to', 'bob', '--count', '0', 'hi'], code: 64, message: 'switchboard send: --count must be between 1 and 1000000, got 0' },
    { args: ['send', '--as', 'alice', '--to', 'bob', '--colour', 'red', 'hi'], code: 64, message: 'switchboard send: unknown option --colour' },
    { args: ['send', '--as', 'alice', '--to', 'bob', '--content-type', 'plain', 'hi'], code: 64, message: 'switchboard send: --content-type must look like type/subtype, got "plain"' },
    { args: ['listen'], code: 64, message: 'switchboard listen: missing --as' },
    { args: ['listen', '--as', 'bob', 'now'], code: 64, message: 'switchboard listen: takes no arguments, got "now"' },
    { args: ['history', '--as', 'bob'], code: 64, message: 'switchboard history: missing <conversationId>' },
    { args: ['history', '--as', 'bob', GROUP, '--limit', '501'], code: 64, message: 'switchboard history: --limit must be between 1 and 500, got 501' },
    { args: ['group', 'create', '--as', 'alice'], code: 64, message: 'switchboard group create: missing <name>' },
    { args: ['group', 'add', '--as', 'alice', GROUP], code: 64, message: 'switchboard group add: missing <conversationId> <member>' },
    { args: ['group', 'remove', '--as', 'alice', 'grp.nope', 'bob'], code: 64, message: 'switchboard group remove: <conversationId> must be a conversation id' },
    { args: ['topics', 'tail'], code: 64, message: 'switchboard topics tail: missing <topic>' },
    { args: ['topics', 'tail', 'events', '--partition', 'x'], code: 64, message: 'switchboard topics tail: --partition must be a whole number, got "x"' },
    { args: ['topics', 'tail', 'events', '--limit', '0'], code: 64, message: 'switchboard topics tail: --limit must be at least 1, got 0' },
    { args: ['topics', 'tail', 'no such topic'], code: 64, message: 'switchboard topics tail: "no such topic" is neither a topic id (commands, events, deliveries, snapshots) nor a topic name' },
    { args: ['topics', 'tail', 'events', '--namespace', 'Bad_NS'], code: 64, message: 'switchboard topics tail: --namespace must match /^[a-z][a-z0-9-]{0,31}$/, got "Bad_NS"' },
    { args: ['topics', 'list', '--brokers', 'nohost'], code: 64, message: 'switchboard topics list: --brokers has items not matching' },
    { args: ['listen', '--as', 'bob', '--gateway', 'ftp://x'], code: 64, message: 'switchboard listen: --gateway must be a ws://, wss://, http:// or https:// URL, got "ftp://x"' },
    { args: ['topics', 'list'], env: { SWITCHBOARD_NAMESPACE: 'Bad_NS' }, code: 78, message: 'switchboard topics list: SWITCHBOARD_NAMESPACE must match' },
    { args: ['topics', 'list'], env: { KAFKA_BROKERS: 'nohost' }, code: 78, message: 'switchboard topics list: KAFKA_BROKERS has items not matching' },
    { args: ['token', 'alice'], env: { JWT_SECRET: 'short' }, code: 78, message: 'switchboard token: JWT_SECRET must be at least 32 bytes, got 5' },
    { args: ['listen', '--as', 'bob'], env: { GATEWAY_URL: 'nonsense' }, code: 78, message: 'switchboard listen: GATEWAY_URL must be a ws://, wss://, http:// or https:// URL, got "nonsense"' },
    { args: ['topics', 'list', '--brokers', '127.0.0.1:1'], code: 69, message: 'switchboard topics list: cannot reach Kafka at 127.0.0.1:1: ECONNREFUSED' },
    { args: ['listen', '--as', 'bob', '--gateway', 'ws://127.0.0.1:1/v1'], code: 69, message: 'switchboard listen: cannot reach the gateway at ws://127.0.0.1:1/v1: ECONNREFUSED' },
  ];
  const results = await runAll(cases);
  cases.forEach((c, i) => {
    const result = results[i]!;
    const what = `${JSON.stringify(c.env ?? {})} ${c.args.join(' ')}`;
    assert.equal(result.code, c.code, `${what}: ${result.stderr}`);
    const firstLine = result.stderr.split('\n')[0]!;
    assert.ok(firstLine.startsWith(c.message), `${what}\n  got:      ${firstLine}\n  expected: ${c.message}`);
    assert.equal(result.stdout, '', what);
    if (c.args.length > 0 && c.args[0] !== 'topics' || c.args.length > 1) {
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, `${what}: one line`);
    }
  });
});

test('token prints a token for the user that expires after --ttl', async () => {
  const result = await run(['token', 'alice', '--ttl', '15m']);
  assert.equal(result.code, 0, result.stderr);
  const [, payload] = result.stdout.trim().split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sub: string; iat: number; exp: number };
  assert.equal(claims.sub, 'alice');
  assert.equal(claims.exp - claims.iat, 900);
});
