import type { Codec } from './createCodec';
import type { Command, Delivery, Event, RouterSnapshot } from './generated/types';
import { SUBJECTS } from './subjects';

/*
 * Typed shortcuts over a Codec, one pair per topic. Each decode checks the subject, so a record of
 * another type on the topic fails with SchemaMismatchError instead of passing as the wrong type.
 */

export function encodeCommand(codec: Codec, command: Command): Buffer {
  return codec.encode(SUBJECTS.command, command);
}

export function decodeCommand(codec: Codec, buffer: Buffer): Command {
  return codec.decode(buffer, SUBJECTS.command).value as Command;
}

export function encodeEvent(codec: Codec, event: Event): Buffer {
  return codec.encode(SUBJECTS.event, event);
}

export function decodeEvent(codec: Codec, buffer: Buffer): Event {
  return codec.decode(buffer, SUBJECTS.event).value as Event;
}

export function encodeDelivery(codec: Codec, delivery: Delivery): Buffer {
  return codec.encode(SUBJECTS.delivery, delivery);
}

export function decodeDelivery(codec: Codec, buffer: Buffer): Delivery {
  return codec.decode(buffer, SUBJECTS.delivery).value as Delivery;
}

export function encodeRouterSnapshot(codec: Codec, snapshot: RouterSnapshot): Buffer {
  return codec.encode(SUBJECTS.routerSnapshot, snapshot);
}

export function decodeRouterSnapshot(codec: Codec, buffer: Buffer): RouterSnapshot {
  return codec.decode(buffer, SUBJECTS.routerSnapshot).value as RouterSnapshot;
}
