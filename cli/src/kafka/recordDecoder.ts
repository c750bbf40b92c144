import { SchemaError, createCodec, decodeCommand, decodeDelivery, decodeEvent, decodeRouterSnapshot, loadFileCatalog, type Codec } from '@switchboard/schemas';
import type { TopicId } from '@switchboard/kafka';
import type { DecodeOutcome } from './renderRecord';

const DECODERS: Readonly<Record<TopicId, (codec: Codec, bytes: Buffer) => unknown>> = {
  commands: decodeCommand,
  events: decodeEvent,
  deliveries: decodeDelivery,
  snapshots: decodeRouterSnapshot,
};

/**
 * Decodes record values of a topic: a catalogued topic with its typed decoder (a record of
 * another schema is an error there), any other topic with whatever catalogued schema its header names.
 */
export function createRecordDecoder(topicId: TopicId | undefined, codec: Codec = createCodec(loadFileCatalog())): (value: Buffer | null) => DecodeOutcome {
  const decode = topicId ? DECODERS[topicId] : (c: Codec, bytes: Buffer) => c.decode(bytes).value;
  return (value) => {
    if (value === null) return { ok: true, value: null };
    try {
      return { ok: true, value: decode(codec, value) };
    } catch (err) {
      if (!(err instanceof SchemaError)) throw err;
      return { ok: false, error: { code: err.code, message: err.message }, raw: value };
    }
  };
}
