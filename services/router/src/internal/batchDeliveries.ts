import type { BatchedDelivery, BatchedDeliveryBody, Delivery, Event } from '@switchboard/schemas';

/** A delivery as planned, with the hop stamps of the command it came from. */
export interface PlannedDelivery {
  delivery: Delivery;
  receivedAt: number | null;
  decidedAt: number | null;
}

/**
 * Bytes one batch record may hold, roughly: far below the broker's 1 MiB record limit, so that a
 * record always fits, and small enough that a huge fan-out is still split across records.
 */
export const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Folds a transaction's deliveries into one DeliveryBatch per gateway (more when one would pass
 * MAX_BATCH_BYTES), keeping their order within each gateway. Events travel as the bytes already
 * encoded for the events topic: one record and one encode per gateway and transaction instead of
 * one per event and gateway, which is where a loaded router spent most of its time.
 */
export function batchDeliveries(planned: readonly PlannedDelivery[], encodedEvent: (event: Event) => Buffer, maxBytes = MAX_BATCH_BYTES): Delivery[] {
  const open = new Map<string, { items: BatchedDelivery[]; bytes: number }>();
  const batches: Delivery[] = [];
  const close = (gatewayId: string, items: BatchedDelivery[]) => batches.push({ gatewayId, body: { type: 'DeliveryBatch', items } });

  for (const { delivery, receivedAt, decidedAt } of planned) {
    const body = itemBody(delivery, encodedEvent);
    if (!body) continue;
    const size = approximateBytes(body);
    let batch = open.get(delivery.gatewayId);
    if (batch && batch.items.length > 0 && batch.bytes + size > maxBytes) {
      close(delivery.gatewayId, batch.items);
      batch = undefined;
    }
    if (!batch) open.set(delivery.gatewayId, (batch = { items: [], bytes: 0 }));
    batch.items.push({ body, receivedAt, decidedAt });
    batch.bytes += size;
  }
  for (const [gatewayId, batch] of open) close(gatewayId, batch.items);
  return batches;
}

function itemBody(delivery: Delivery, encodedEvent: (event: Event) => Buffer): BatchedDeliveryBody | undefined {
  const body = delivery.body;
  switch (body.type) {
    case 'EventDelivery':
      return { type: 'EncodedEventDelivery', event: encodedEvent(body.event), recipients: body.recipients };
    case 'CommandReply':
    case 'EphemeralDelivery':
      return body;
    case 'DeliveryBatch':
      return undefined;
  }
}

/** An upper bound of the item's encoded size that is cheap to compute. */
function approximateBytes(body: BatchedDeliveryBody): number {
  let bytes = 64;
  switch (body.type) {
    case 'EncodedEventDelivery':
      bytes += body.event.length;
      for (const r of body.recipients) bytes += 5 + r.length * 3;
      return bytes;
    case 'CommandReply':
      return bytes + 3 * (body.sessionId.length + body.requestId.length + body.conversationId.length + (body.messageId?.length ?? 0) + (body.errorCode?.length ?? 0) + (body.errorMessage?.length ?? 0));
    case 'EphemeralDelivery':
      bytes += 3 * (body.conversationId.length + body.fromUserId.length);
      for (const r of body.recipients) bytes += 5 + r.length * 3;
      if (body.body.type === 'Signal') bytes += 3 * (body.body.toUserId.length + body.body.payload.length);
      return bytes;
  }
}
