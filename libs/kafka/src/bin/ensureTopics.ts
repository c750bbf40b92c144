#!/usr/bin/env node
// Creates the platform's missing topics and checks the existing ones; run by deployments before
// the services start (a Kubernetes Job, a helm hook, docker compose).
import { checkedOrExit, commonSpec, int, kafkaSecurity, kafkaSecuritySpec, loadConfigOrExit } from '@switchboard/config';
import { createKafka } from '../createKafka';
import { ensureTopics } from '../ensureTopics';

const EXIT_UNAVAILABLE = 69;

const spec = {
  SWITCHBOARD_NAMESPACE: commonSpec.SWITCHBOARD_NAMESPACE,
  KAFKA_BROKERS: commonSpec.KAFKA_BROKERS,
  ...kafkaSecuritySpec,
  TOPIC_REPLICATION_FACTOR: int({ description: 'Replicas of each topic created; 3 in production', default: 1, min: 1, max: 10 }),
} as const;

async function main(): Promise<void> {
  const config = loadConfigOrExit('ensure-topics', spec);
  const security = checkedOrExit('ensure-topics', () => kafkaSecurity(config));
  const admin = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'switchboard-ensure-topics', security }).admin();
  try {
    await admin.connect();
  } catch (err) {
    process.stderr.write(`ensure-topics: cannot reach Kafka at ${config.KAFKA_BROKERS.join(',')}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT_UNAVAILABLE);
  }
  try {
    const result = await ensureTopics(admin, config.SWITCHBOARD_NAMESPACE, { replicationFactor: config.TOPIC_REPLICATION_FACTOR });
    for (const topic of result.created) process.stdout.write(`created  ${topic}\n`);
    for (const topic of result.existing) process.stdout.write(`existing ${topic}\n`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ensure-topics: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
