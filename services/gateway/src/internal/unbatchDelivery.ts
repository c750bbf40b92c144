import { decodeEvent, type Codec, type Delivery, type DeliveryBody } from '@switchboard/schemas';

/** A delivery the dispatcher acts on: any kind but a batch. */
export type SingleDelivery = Delivery & { body: Exclude<DeliveryBody, { type: 'DeliveryBatch' }> };

export interface UnbatchedDelivery {
  delivery: SingleDelivery;
  /** Hop stamps of the command it came from, when the record carried them. */
  received: number | undefined;
  decided: number | undefined;
}

/**
 * The deliveries one record holds, in order: the items of a DeliveryBatch, whose events are
 * decoded from the events topic's bytes they carry, or the record's own delivery. An item whose
 * event cannot be decoded is reported through `onBadItem` and left out; the others still count.
 */
export function unbatchDelivery(
  delivery: Delivery,
  codec: Codec,
  stamps: { received: number | undefined; decided: number | undefined },
  onBadItem: (index: number, err: unknown) => void,
): UnbatchedDelivery[] {
  const body = delivery.body;
  if (body.type !== 'DeliveryBatch') return [{ delivery: { gatewayId: delivery.gatewayId, body }, ...stamps }];
  const out: UnbatchedDelivery[] = [];
  body.items.forEach((item, index) => {
    const received = item.receivedAt ?? undefined;
    const decided = item.decidedAt ?? undefined;
    const inner = item.body;
    if (inner.type !== 'EncodedEventDelivery') {
      out.push({ delivery: { gatewayId: delivery.gatewayId, body: inner }, received, decided });
      return;
    }
    try {
      const event = decodeEvent(codec, inner.event);
      out.push({ delivery: { gatewayId: delivery.gatewayId, body: { type: 'EventDelivery', event, recipients: inner.recipients } }, received, decided });
    } catch (err) {
      onBadItem(index, err);
    }
  });
  return out;
}
