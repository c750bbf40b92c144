import { directConversationId } from '@switchboard/protocol';

/**
 * directConversationId with a bounded memo: the id is a SHA-256 of the pair, and a sender writes
 * to the same few people again and again. The memo is emptied when it reaches `max` pairs.
 */
export function createDirectIdCache(max = 10_000): (userA: string, userB: string) => string {
  const ids = new Map<string, string>();
  return (userA, userB) => {
    // User ids cannot hold a newline, so the key is unambiguous.
    const key = userA < userB ? `${userA}\n${userB}` : `${userB}\n${userA}`;
    let id = ids.get(key);
    if (id === undefined) {
      if (ids.size >= max) ids.clear();
      id = directConversationId(userA, userB);
      ids.set(key, id);
    }
    return id;
  };
}
