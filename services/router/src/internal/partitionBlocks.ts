/**
 * Input partitions are owned, fenced and committed in blocks of consecutive partitions: block k of
 * size B holds partitions kB .. kB+B-1 (the last block may be shorter). A block is the unit of
 * assignment, of the transactional id and of the transaction, so one router commits a whole fetch
 * round of a block in one transaction instead of one per partition.
 */
export function blockOf(partition: number, blockSize: number): number {
  return Math.floor(partition / blockSize);
}

export function blockCount(partitions: number, blockSize: number): number {
  return Math.ceil(partitions / blockSize);
}

export function partitionsOfBlock(block: number, blockSize: number, partitions: number): number[] {
  const first = block * blockSize;
  const last = Math.min(first + blockSize, partitions);
  return Array.from({ length: Math.max(0, last - first) }, (_, i) => first + i);
}

/**
 * Whole blocks to members, round robin over the members sorted by id, so that every member
 * computes the same answer and a block's partitions never have two owners.
 */
export function assignBlocks(memberIds: readonly string[], partitions: readonly number[], blockSize: number): Map<string, number[]> {
  const members = [...memberIds].sort();
  const assignment = new Map<string, number[]>(members.map((m) => [m, []]));
  if (members.length === 0) return assignment;
  const blocks = [...new Set(partitions.map((p) => blockOf(p, blockSize)))].sort((a, b) => a - b);
  blocks.forEach((block, i) => {
    const owner = assignment.get(members[i % members.length]!)!;
    owner.push(...partitions.filter((p) => blockOf(p, blockSize) === block));
  });
  for (const owned of assignment.values()) owned.sort((a, b) => a - b);
  return assignment;
}
