/** Presence: which gateways hold which users' sessions, with gateway leases in Redis. */
export { createPresence } from './presence';
export type { Presence, PresenceOptions, SessionLocation } from './presence';
