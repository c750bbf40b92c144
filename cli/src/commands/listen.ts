import type { Command } from '../cli/command';

export const listen: Command = {
  path: ['listen'],
  summary: 'print what the gateway pushes to a user, as JSON lines',
  synopsis: ['listen --as <user> [--replay] [--count N]'],
  help: `Connects as <user> and prints what the gateway pushes from then on, one JSON object per line:
{"type":"event","event":{…}} for conversation events, {"type":"typing",…} and {"type":"signal",…}.
A line on stderr says when it listens. It runs until Ctrl-C or until --count lines are printed,
and reconnects by itself (resuming without gaps) if the gateway goes away meanwhile.

options:
  --as <user>     the user to listen as
  --replay        first print every event the user's conversations already hold
  --count <n>     exit after n lines

example:
  switchboard listen --as bob | jq -c 'select(.type == "event") | .event`,
  options: {
    as: { type: 'string' },
    replay: { type: 'boolean' },
    count: { type: 'string', short: 'n' },
  },
  positionals: { min: 0, max: 0, names: '' },
  run: (context) => (require('../actions/listen') as typeof import('../actions/listen')).runListen(context),
};
