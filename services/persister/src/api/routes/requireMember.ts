import { SwitchboardError } from '@switchboard/errors';
import type { ConversationInfo, HistoryReader } from '../../storage/interface';

/**
 * The conversation and the seq the user reads it from, if the user is a current member of it.
 * A removed member is refused like a stranger.
 */
export async function requireMember(
  reader: Pick<HistoryReader, 'conversation' | 'membership'>,
  conversationId: string,
  userId: string,
): Promise<{ conversation: ConversationInfo; joinedSeq: number }> {
  const conversation = await reader.conversation(conversationId);
  if (!conversation) throw new SwitchboardError('conversation_not_found', `no conversation ${conversationId}`);
  const membership = await reader.membership(conversationId, userId);
  if (!membership || membership.removedSeq !== null) {
    throw new SwitchboardError('not_member', `${userId} is not a member of ${conversationId}`);
  }
  return { conversation, joinedSeq: membership.joinedSeq };
}
