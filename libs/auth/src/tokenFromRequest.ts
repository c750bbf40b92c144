export interface TokenCarrier {
  /** The Authorization header. */
  readonly authorization?: string;
  /** The URL query string, with or without the leading "?". */
  readonly query?: string;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The access token of a request: `Authorization: Bearer <token>` first, else the `access_token`
 * query parameter (browsers cannot set headers on a WebSocket upgrade). Undefined when there is
 * none, or when the query names access_token more than once.
 */
export function tokenFromRequest(request: TokenCarrier): string | undefined {
  const fromHeader = request.authorization === undefined ? undefined : BEARER.exec(request.authorization.trim())?.[1];
  if (fromHeader !== undefined) return fromHeader;
  if (request.query === undefined) return undefined;
  const values = new URLSearchParams(request.query).getAll('access_token');
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}
