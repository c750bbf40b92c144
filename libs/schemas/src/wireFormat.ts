import { WireFormatError } from './errors';

/** Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian), then Avro binary. */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export function writeHeader(schemaId: number): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return header;
}

/** The schema id of a record value; throws WireFormatError if the value has no valid header. */
export function readSchemaId(value: unknown): number {
  if (!Buffer.isBuffer(value)) {
    throw new WireFormatError(`record value is not a Buffer (got ${value === null ? 'null' : typeof value})`);
  }
  if (value.length < HEADER_LENGTH) {
    throw new WireFormatError(
      `record value too short: ${value.length} byte(s), the wire format needs at least ${HEADER_LENGTH} ` +
        '(magic byte and 4-byte schema id)',
    );
  }
  const magic = value.readUInt8(0);
  if (magic !== MAGIC_BYTE) {
    throw new WireFormatError(
      `bad magic byte 0x${hex(magic)} (expected 0x${hex(MAGIC_BYTE)}): not a Confluent wire-format Avro record`,
    );
  }
  return value.readInt32BE(1);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
