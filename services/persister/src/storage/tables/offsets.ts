import type { PartitionOffset } from '../../types/projection';
import { int4Array, int8Array, textArray } from '../binaryArrays';
import type { Queryable } from '../queryable';

/*
 * persister_offsets: the next offset to read per partition, written in the same transaction as
 * the rows projected from the records before it. It is the consumer's true position; the offsets
 * committed to Kafka only feed lag monitoring. It never moves back, so a slower writer of an
 * older batch (a previous owner of the partition finishing late) cannot rewind it.
 */

export async function advanceOffsets(db: Queryable, offsets: readonly PartitionOffset[]): Promise<void> {
  if (offsets.length === 0) return;
  await db.query(
    `INSERT INTO persister_offsets AS o (topic, partition, next_offset, updated_at)
     SELECT u.topic, u.partition, u.next_offset, now()
       FROM unnest($1::text[], $2::int[], $3::bigint[]) AS u(topic, partition, next_offset)
     ON CONFLICT (topic, partition) DO UPDATE SET
       next_offset = GREATEST(o.next_offset, EXCLUDED.next_offset),
       updated_at = now()`,
    [textArray(offsets.map((o) => o.topic)), int4Array(offsets.map((o) => o.partition)), int8Array(offsets.map((o) => o.nextOffset))],
  );
}

export async function selectNextOffsets(db: Queryable, topic: string): Promise<Map<number, number>> {
  const result = await db.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM persister_offsets WHERE topic = $1', [topic]);
  return new Map(result.rows.map((r) => [r.partition, Number(r.next_offset)]));
}

export async function selectNextOffset(db: Queryable, topic: string, partition: number): Promise<number | undefined> {
  const result = await db.query<{ next_offset: string }>('SELECT next_offset FROM persister_offsets WHERE topic = $1 AND partition = $2', [
    topic,
    partition,
  ]);
  const row = result.rows[0];
  return row && Number(row.next_offset);
}
