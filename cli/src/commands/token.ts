import type { Command } from '../cli/command';

export const token: Command = {
  path: ['token'],
  summary: 'mint a development token (HS256) for a user',
  synopsis: ['token <user> [--ttl 1h]'],
  help: `Prints an HS256 access token whose subject is <user>, signed with JWT_SECRET, or when it is
unset with the development secret that npm start gives the services. For local development only.

options:
  --ttl <duration>   lifetime: 90s, 15m, 1h, 7d or plain seconds (default 1h)

example:
  TOKEN=$(switchboard token alice --ttl 15m)
  websocat "ws://127.0.0.1:8080/v1?access_token=$TOKEN"`,
  options: { ttl: { type: 'string' } },
  positionals: { min: 1, max: 1, names: '<user>' },
  run: (context) => (require('../actions/token') as typeof import('../actions/token')).runToken(context),
};
