/**
 * Postgres text and jsonb cannot hold the NUL character, and a client may put one in a message
 * body. Stored as is, such an event would fail its batch on every retry and stall its partition;
 * replacing NUL with U+FFFD (the replacement character) keeps it storable and visibly altered.
 * Values without NUL are returned as they are.
 */
export function replaceNulCharacters<T>(value: T): T {
  return holdsNul(value) ? (replaceIn(value) as T) : value;
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsNul);
  return false;
}

function replaceIn(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\u0000/g, '\ufffd');
  if (Array.isArray(value)) return value.map(replaceIn);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, replaceIn(field)]));
  return value;
}
