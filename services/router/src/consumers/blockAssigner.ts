import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignBlocks } from '../internal/partitionBlocks';

/**
 * The group protocol name carries the block size: the coordinator refuses a member whose
 * protocol no current member shares (INCONSISTENT_GROUP_PROTOCOL), so routers with different
 * block sizes, whose transactional ids would not fence each other, never share the group.
 */
export const blockProtocolName = (blockSize: number) => `switchboard-blocks-${blockSize}`;

/** Assigns whole blocks of partitions (see partitionBlocks.ts) to the members of the router's group. */
export function createBlockAssigner(blockSize: number): PartitionAssigner {
  return ({ cluster }) => ({
    name: blockProtocolName(blockSize),
    version: 1,
    async assign({ members, topics }) {
      const perMember = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
      for (const topic of topics) {
        const partitions = cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId);
        const assigned = assignBlocks([...perMember.keys()], partitions, blockSize);
        for (const [memberId, owned] of assigned) perMember.get(memberId)![topic] = owned;
      }
      return [...perMember].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name: blockProtocolName(blockSize), metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
    },
  });
}
