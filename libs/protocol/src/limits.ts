export const PROTOCOL_VERSION = 1;
/** Longest message body, in UTF-16 code units as JavaScript counts them. */
export const MAX_BODY_LENGTH = 16_384;
export const MAX_GROUP_NAME_LENGTH = 200;
export const MAX_SIGNAL_PAYLOAD_LENGTH = 16_384;
export const MAX_HISTORY_PAGE = 500;
export const MAX_SYNC_CONVERSATIONS = 1_000;
export const MAX_PRESENCE_USERS = 100;
export const CONTENT_TYPE = /^[a-z]+\/[A-Za-z0-9.+-]{1,100}$/;
