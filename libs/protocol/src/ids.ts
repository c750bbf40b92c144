import { createHash, randomUUID } from 'node:crypto';

export const USER_ID = /^[A-Za-z0-9._@-]{1,128}$/;
export const CLIENT_MSG_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const REQUEST_ID = /^[\x21-\x7e]{1,64}$/;
export const DIRECT_ID = /^dm\.[0-9a-f]{32}$/;
export const GROUP_ID = /^grp\.[0-9a-f]{32}$/;

/**
 * The id of the 1:1 conversation between two users: the same whichever side starts it, so both
 * directions are keyed alike and land on one partition.
 */
export function directConversationId(userA: string, userB: string): string {
  const [first, second] = userA < userB ? [userA, userB] : [userB, userA];
  return `dm.${createHash('sha256').update(`${first}\n${second}`).digest('hex').slice(0, 32)}`;
}

export function newGroupId(): string {
  return `grp.${randomUUID().replace(/-/g, '')}`;
}

export function isConversationId(value: string): boolean {
  return DIRECT_ID.test(value) || GROUP_ID.test(value);
}
