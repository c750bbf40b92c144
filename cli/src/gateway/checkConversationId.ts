import { isConversationId } from '@switchboard/protocol';
import { usageError } from '../cli/cliError';

export function checkConversationId(value: string, what: string): string {
  if (!isConversationId(value)) throw usageError(`${what} must be a conversation id (grp.<32 hex> or dm.<32 hex>), got "${value}"`);
  return value;
}
