import { randomBytes } from 'node:crypto';

/** A short random name, safe for topics, databases, Redis keys and user ids. */
export function randomName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}
