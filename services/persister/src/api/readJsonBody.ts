import type { IncomingMessage } from 'node:http';
import { SwitchboardError } from '@switchboard/errors';

/** Reads and parses a JSON request body of at most maxBytes. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new SwitchboardError('invalid_request', `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new SwitchboardError('invalid_request', 'the body is not valid JSON');
  }
}
