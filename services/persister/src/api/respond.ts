import type { ServerResponse } from 'node:http';
import pg from 'pg';
import { ERROR_CODES, SwitchboardError, isSwitchboardError, type ErrorCode } from '@switchboard/errors';

/** HTTP status of each error code the API answers with. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_request: 400,
  not_member: 403,
  conversation_not_found: 404,
  unavailable: 503,
  internal: 500,
};

export interface JsonAnswer {
  status: number;
  body: unknown;
}

export function writeJson(res: ServerResponse, answer: JsonAnswer): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** `{code, message}` with the code's status; failures to reach the database become `unavailable`. */
export function errorAnswer(err: unknown): JsonAnswer {
  const error = isSwitchboardError(err) ? err : isDatabaseFailure(err) ? new SwitchboardError('unavailable', `database: ${(err as Error).message}`) : undefined;
  if (!error) return { status: 500, body: { code: 'internal', message: ERROR_CODES.internal.message } };
  return { status: STATUS[error.code] ?? 500, body: { code: error.code, message: error.message } };
}

export function notFoundAnswer(method: string, path: string): JsonAnswer {
  return { status: 404, body: { code: 'invalid_request', message: `no route for ${method} ${path}` } };
}

/** Errors from Postgres itself, and from the driver failing to reach it or losing the connection. */
export function isDatabaseFailure(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (
    (typeof code === 'string' && /^E[A-Z]+$/.test(code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/.test(err.message)
  );
}
