import type { Command } from '../cli/command';

export const send: Command = {
  path: ['send'],
  summary: 'send a message (or --count N of them) as a user',
  synopsis: ['send --as <user> (--to <user> | --group <conversationId>) [--count N] <text>'],
  help: `Sends <text> as <user> to another user (a 1:1 conversation) or to a conversation by id, and prints
the acknowledgement as JSON: {"conversationId","seq","messageId"}. The acknowledgement comes once
the message is durable and sequenced. Words after the options are joined with spaces.

With --count N it sends N messages ("<text> #1" ... "<text> #N") at --rate messages per second,
and prints a summary line; it exits 1 if any message was refused. A message the gateway asks to
retry (rate_limited, a reconnect) is sent again with the same client id, so it takes effect once.
A progress bar is shown on stderr when it is a terminal, or when N is 1000 or more.

options:
  --as <user>                  the sender
  --to <user>                  the recipient of a 1:1 message
  --group <conversationId>     a group (grp.…) or any conversation the sender belongs to
  --count <n>                  send n messages (default 1)
  --rate <n>                   messages started per second (default 50, the gateway's default limit)
  --content-type <type>        MIME type of the body (default text/plain)
  --no-progress                no progress bar

examples:
  switchboard send --as alice --to bob "hello, bob"
  switchboard send --as alice --group grp.5f0c… --count 1000 load`,
  options: {
    as: { type: 'string' },
    to: { type: 'string' },
    group: { type: 'string' },
    count: { type: 'string', short: 'n' },
    rate: { type: 'string' },
    'content-type': { type: 'string' },
    'no-progress': { type: 'boolean' },
  },
  positionals: { min: 1, max: Number.MAX_SAFE_INTEGER, names: '<text>' },
  run: (context) => (require('../actions/send') as typeof import('../actions/send')).runSend(context),
};
