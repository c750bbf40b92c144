/** Subjects become user ids in Kafka keys, Redis keys and logs, so only a safe alphabet is accepted. */
export const SUBJECT_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;

export function isValidSubject(value: unknown): value is string {
  return typeof value === 'string' && SUBJECT_PATTERN.test(value);
}
