import { SwitchboardError } from './errors';
import type { SendInput } from './types';
import { MAX_BODY_LENGTH, MAX_PRESENCE_USERS } from './wire';

/** Checks a send before it takes a place in the outbox: what the gateway would refuse for good. */
export function validateSend(input: SendInput, maxBodyLength = MAX_BODY_LENGTH): SwitchboardError | undefined {
  if ((input.to === undefined) === (input.conversationId === undefined)) {
    return new SwitchboardError('invalid_request', 'give exactly one of "to" (a user id) and "conversationId"');
  }
  if (typeof input.body !== 'string' || input.body.length === 0) return new SwitchboardError('invalid_request', '"body" must be a non-empty string');
  if (input.body.length > maxBodyLength) return new SwitchboardError('body_too_large', `"body" is longer than ${maxBodyLength} characters`);
  return undefined;
}

const USER_ID = /^[A-Za-z0-9._@-]{1,128}$/;

/** Checks the users of a presence request; they are asked about once each. */
export function validatePresence(userIds: readonly string[]): SwitchboardError | undefined {
  if (!Array.isArray(userIds)) return new SwitchboardError('invalid_request', 'userIds must be an array of user ids');
  const unique = new Set(userIds);
  if (unique.size === 0 || unique.size > MAX_PRESENCE_USERS) return new SwitchboardError('invalid_request', `ask about 1-${MAX_PRESENCE_USERS} users at once`);
  const bad = [...unique].find((u) => typeof u !== 'string' || !USER_ID.test(u));
  if (bad !== undefined) return new SwitchboardError('invalid_request', `${JSON.stringify(bad)} is not a user id`);
  return undefined;
}
