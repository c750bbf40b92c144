/** The subjects (full record names) of the values of each topic. */
export const SUBJECTS = {
  command: 'io.switchboard.Command',
  event: 'io.switchboard.Event',
  delivery: 'io.switchboard.Delivery',
  routerSnapshot: 'io.switchboard.RouterSnapshot',
} as const;

export type Subject = (typeof SUBJECTS)[keyof typeof SUBJECTS];
