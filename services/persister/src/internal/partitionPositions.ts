export type PositionDecision = { action: 'project' } | { action: 'seek'; offset: number };

/**
 * Keeps the consumer on the position stored in the database, which is the only one that is
 * always in step with the projected rows (Kafka's committed offset may lag it after a crash
 * between the two commits, or lead it after a failed database commit).
 *
 * The first batch of a partition after an assignment is compared with the stored next offset:
 * if it starts elsewhere, the consumer seeks there and the batch is dropped. The batch after a
 * seek is accepted when it starts at or past the target: the consumer client never hands over
 * transaction markers or aborted records, so a later start only means such records were skipped.
 */
export interface PartitionPositions {
  /** Forgets every verified position; call on each (re)assignment. */
  reset(): void;
  decide(partition: number, firstOffset: number, readStored: () => Promise<number | undefined>): Promise<PositionDecision>;
}

type State = { phase: 'verified' } | { phase: 'seeking'; target: number };

export function createPartitionPositions(): PartitionPositions {
  const states = new Map<number, State>();
  return {
    reset: () => states.clear(),
    async decide(partition, firstOffset, readStored) {
      const state = states.get(partition);
      if (state?.phase === 'verified') return { action: 'project' };
      if (state?.phase === 'seeking' && firstOffset >= state.target) {
        states.set(partition, { phase: 'verified' });
        return { action: 'project' };
      }
      // Nothing stored yet means nothing was projected: the position is the start of the partition.
      const stored = (await readStored()) ?? 0;
      if (firstOffset === stored) {
        states.set(partition, { phase: 'verified' });
        return { action: 'project' };
      }
      states.set(partition, { phase: 'seeking', target: stored });
      return { action: 'seek', offset: stored };
    },
  };
}
