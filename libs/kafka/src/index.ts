/**
 * Kafka for Switchboard: the topic catalogue, the Java-compatible partitioner, and kafkajs
 * clients configured the way every service needs them.
 */
export { CONVERSATION_PARTITIONS, TOPICS, groupId, topicNames, topicSpec } from './topics';
export type { TopicId, TopicNames, TopicSpec } from './topics';
export { murmur2, partitionFor } from './partitionFor';
export { createKafka } from './createKafka';
export type { KafkaOptions } from './createKafka';
export { createKafkaProbe } from './kafkaProbe';
export { kafkaCredentialProblem } from './kafkaCredentialProblem';
export { keepConsumerRunning } from './keepConsumerRunning';
export type { ConsumerKeeper, KeepRunningOptions } from './keepConsumerRunning';
export type { KafkaProbe, KafkaProbeOptions } from './kafkaProbe';
export { ensureTopics, topicConfigEntries } from './ensureTopics';
export { deleteNamespaceTopics } from './deleteNamespaceTopics';
export type { EnsureTopicsResult } from './ensureTopics';
export { DEFAULT_ROUND_BURST, createRoundPacer, nextRoundWait } from './roundPacing';
export type { RoundPacer, RoundPacerOptions } from './roundPacing';
export { createPartitionReader } from './partitionReader';
export type { PartitionRange, PartitionReader } from './partitionReader';
export { renderTopicsDoc } from './renderTopicsDoc';
export { CONCURRENT_TRANSACTIONS_RETRY_MS, coordinatorErrorKind, createCoordinatorCache, producerWithCoordinatorCache } from './coordinatorCache';
export type { CoordinatorBroker, CoordinatorCache, CoordinatorCacheOptions, CoordinatorLookup, CoordinatorQuery } from './coordinatorCache';
