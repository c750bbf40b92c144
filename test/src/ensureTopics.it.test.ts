import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigResourceTypes } from 'kafkajs';
import { TOPICS, createKafka, deleteNamespaceTopics, ensureTopics, topicNames } from '@switchboard/kafka';
import { BROKERS } from './helpers/platform';
import { randomName } from './helpers/random';

test('topics made before a retention change get the catalogue settings; settings the catalogue does not declare are kept', async () => {
  const admin = createKafka({ brokers: BROKERS.split(','), clientId: 'ensure-topics-it' }).admin();
  const namespace = randomName('t');
  const names = topicNames(namespace);
  await admin.connect();
  try {
    // As an older release made them: a day and an hour, no segment.ms; an operator added max.message.bytes.
    await admin.createTopics({
      waitForLeaders: true,
      topics: TOPICS.map((t) => ({
        topic: names[t.id],
        numPartitions: t.partitions,
        configEntries: [
          { name: 'cleanup.policy', value: t.cleanupPolicy },
          { name: 'retention.ms', value: String(t.id === 'commands' ? 86_400_000 : t.id === 'deliveries' ? 3_600_000 : t.retentionMs) },
          { name: 'max.message.bytes', value: '2097152' },
        ],
      })),
    });
    const result = await ensureTopics(admin, namespace);
    assert.deepEqual(result.created, []);
    assert.deepEqual(result.reconfigured.sort(), [names.commands, names.deliveries].sort());

    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: TOPICS.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: names[t.id], configNames: ['retention.ms', 'segment.ms', 'max.message.bytes'] })),
    });
    for (const t of TOPICS) {
      const entries = described.resources.find((r) => r.resourceName === names[t.id])?.configEntries ?? [];
      const value = (name: string) => entries.find((e) => e.configName === name)?.configValue;
      assert.equal(value('retention.ms'), String(t.retentionMs), `${t.id} retention`);
      if (t.extraConfig?.['segment.ms']) assert.equal(value('segment.ms'), t.extraConfig['segment.ms'], `${t.id} segment.ms`);
      assert.equal(value('max.message.bytes'), '2097152', `${t.id} keeps a setting the catalogue does not declare`);
    }
    assert.deepEqual((await ensureTopics(admin, namespace)).reconfigured, [], 'nothing to change the second time');
  } finally {
    await deleteNamespaceTopics(admin, namespace).catch(() => undefined);
    await admin.disconnect();
  }
});
