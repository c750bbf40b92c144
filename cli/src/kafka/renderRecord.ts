import type { IHeaders } from 'kafkajs';
import { toJsonSafe, utf8OrUndefined } from './jsonSafe';

/** A record as kafkajs hands it over, reduced to what is printed. */
export interface TailedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly headers?: IHeaders;
}

export type DecodeOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: { code: string; message: string }; readonly raw: Buffer | null };

/**
 * One JSON line per record: where it sits (topic, partition, offset), its timestamp (epoch ms),
 * key and headers as text, and the decoded value; a value that does not decode is printed as
 * `error` with the raw bytes in base64, so a bad record is shown rather than stopping the tail.
 * Keys or header values that are not UTF-8 are printed in base64 and listed in `base64`.
 */
export function renderRecord(record: TailedRecord, outcome: DecodeOutcome): Record<string, unknown> {
  const base64: string[] = [];
  const text = (bytes: Buffer | null | undefined, field: string): string | null => {
    if (bytes === null || bytes === undefined) return null;
    const asText = utf8OrUndefined(bytes);
    if (asText !== undefined) return asText;
    base64.push(field);
    return bytes.toString('base64');
  };
  const line: Record<string, unknown> = {
    topic: record.topic,
    partition: record.partition,
    offset: toJsonSafe(BigInt(record.offset)),
    timestamp: toJsonSafe(BigInt(record.timestamp)),
    key: text(record.key, 'key'),
  };
  const headers = Object.entries(record.headers ?? {});
  if (headers.length > 0) {
    line.headers = Object.fromEntries(
      headers.map(([name, value]) => [name, Array.isArray(value) ? value.map((v) => headerText(v, `headers.${name}`, text)) : headerText(value, `headers.${name}`, text)]),
    );
  }
  if (outcome.ok) {
    line.value = toJsonSafe(outcome.value);
  } else {
    line.error = outcome.error;
    line.valueBase64 = outcome.raw === null ? null : outcome.raw.toString('base64');
  }
  if (base64.length > 0) line.base64 = base64;
  return line;
}

function headerText(value: Buffer | string | undefined, field: string, text: (bytes: Buffer | null | undefined, field: string) => string | null): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : text(value, field);
}
