import { TOPICS } from '@switchboard/kafka';
import { loadFileCatalog } from '@switchboard/schemas';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import type { CommandContext } from '../cli/command';
import { booleanOption } from '../cli/optionValues';
import { connectKafka } from '../kafka/connectKafka';
import { renderTopicTable, topicRows, type BrokerTopic } from '../kafka/topicRows';

export async function runTopicsList({ args, io, settings, verbose }: CommandContext): Promise<number> {
  const namespace = settings.namespace();
  const kafka = await connectKafka({ brokers: settings.brokers(), security: settings.kafkaSecurity(), verbose, stderr: io.stderr });
  const onBroker = await describeNamespaceTopics(kafka.admin(), namespace);
  const catalog = loadFileCatalog();
  const rows = topicRows(namespace, TOPICS, onBroker, (subject) => {
    const entry = catalog.latest(subject);
    return entry && { subject: entry.subject, version: entry.version, id: entry.id };
  });
  if (booleanOption(args.values, 'json')) {
    for (const row of rows) io.stdout.write(`${JSON.stringify(row)}\n`);
  } else {
    io.stdout.write(renderTopicTable(rows));
  }
  return 0;
}

async function describeNamespaceTopics(admin: Admin, namespace: string): Promise<BrokerTopic[]> {
  await admin.connect();
  try {
    const names = (await admin.listTopics()).filter((name) => name.startsWith(`${namespace}.`));
    if (names.length === 0) return [];
    const [metadata, configs] = await Promise.all([
      admin.fetchTopicMetadata({ topics: names }),
      admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy'] })),
      }),
    ]);
    return metadata.topics.map((topic) => {
      const entries = configs.resources.find((r) => r.resourceName === topic.name)?.configEntries ?? [];
      const value = (name: string) => entries.find((e) => e.configName === name)?.configValue;
      const retention = value('retention.ms');
      return {
        name: topic.name,
        partitions: topic.partitions.length,
        retentionMs: retention === undefined ? undefined : Number(retention),
        cleanupPolicy: value('cleanup.policy'),
      };
    });
  } finally {
    await admin.disconnect();
  }
}
