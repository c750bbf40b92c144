#!/usr/bin/env node
// Prints a development token (HS256) for a user: node libs/auth/dist/bin/mintToken.js <user> [ttl seconds]
import { SUBJECT_PATTERN } from '../subject';
import { mintDevToken } from '../mintDevToken';

const [userId, ttl] = process.argv.slice(2);
const secret = process.env.JWT_SECRET ?? 'switchboard-local-development-secret-0123456789';
if (!userId || !SUBJECT_PATTERN.test(userId)) {
  process.stderr.write('usage: mintToken <user id> [ttl seconds]   (user id: 1-128 of A-Z a-z 0-9 . _ @ -; JWT_SECRET from the environment)\n');
  process.exit(2);
}
const ttlSec = ttl === undefined ? 3600 : Number(ttl);
if (!Number.isInteger(ttlSec) || ttlSec <= 0) {
  process.stderr.write(`mintToken: ttl must be a positive whole number of seconds, got "${ttl}"\n`);
  process.exit(2);
}
process.stdout.write(`${mintDevToken({ secret, userId, ttlSec })}\n`);
