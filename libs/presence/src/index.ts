/** Presence: which gateways hold which users' sessions, with gateway leases in Redis. */
export { createPresence, presenceChangesChannel } from './presence';
export type { Presence, PresenceChange, PresenceOptions, SessionLocation } from './presence';
export { createPresenceView } from './presenceView';
export type { PresenceView, PresenceViewOptions } from './presenceView';
export { redisCredentialProblem } from './redisCredentialProblem';
