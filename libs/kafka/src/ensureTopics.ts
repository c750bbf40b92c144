import { ConfigResourceTypes, ConfigSource, type Admin } from 'kafkajs';
import { TOPICS, type TopicSpec } from './topics';

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
  /** Existing topics whose declared settings (retention, segment roll, ...) had to be set again. */
  reconfigured: string[];
}

/**
 * Creates the platform's topics that are missing and checks that existing ones have the declared
 * partition count: a wrong count would move conversations between partitions, so it is an error.
 * An existing topic whose declared settings differ (an installation made before a retention
 * change) gets them set; settings set on the topic that the catalogue does not declare are kept.
 */
export async function ensureTopics(
  admin: Admin,
  namespace: string,
  options: { replicationFactor?: number; topics?: readonly TopicSpec[] } = {},
): Promise<EnsureTopicsResult> {
  const specs = options.topics ?? TOPICS;
  const existingNames = new Set(await admin.listTopics());
  const missing = specs.filter((t) => !existingNames.has(`${namespace}.${t.suffix}`));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: `${namespace}.${t.suffix}`,
        numPartitions: t.partitions,
        replicationFactor: options.replicationFactor ?? 1,
        configEntries: topicConfigEntries(t),
      })),
    });
    await waitUntilServed(admin, missing.map((t) => `${namespace}.${t.suffix}`));
  }
  const present = specs.filter((t) => existingNames.has(`${namespace}.${t.suffix}`));
  if (present.length > 0) {
    // A broker that has just started lists its topics before it leads their partitions again.
    await waitUntilServed(admin, present.map((t) => `${namespace}.${t.suffix}`));
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => `${namespace}.${t.suffix}`) });
    for (const topic of metadata.topics) {
      const spec = present.find((t) => `${namespace}.${t.suffix}` === topic.name);
      if (spec && topic.partitions.length !== spec.partitions) {
        throw new Error(
          `topic ${topic.name} has ${topic.partitions.length} partitions but the catalogue declares ${spec.partitions}; ` +
            'changing it would move conversations to other partitions',
        );
      }
    }
  }
  const reconfigured = present.length > 0 ? await alignTopicConfigs(admin, namespace, present) : [];
  return {
    created: missing.map((t) => `${namespace}.${t.suffix}`),
    existing: present.map((t) => `${namespace}.${t.suffix}`),
    reconfigured,
  };
}

/** Sets the declared settings of existing topics where they differ; returns the topics changed. */
async function alignTopicConfigs(admin: Admin, namespace: string, specs: readonly TopicSpec[]): Promise<string[]> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: `${namespace}.${t.suffix}` })),
  });
  const changed: string[] = [];
  for (const spec of specs) {
    const name = `${namespace}.${spec.suffix}`;
    const entries = described.resources.find((r) => r.resourceName === name)?.configEntries ?? [];
    const current = new Map(entries.map((e) => [e.configName, e.configValue]));
    const declared = topicConfigEntries(spec);
    if (declared.every(({ name: key, value }) => current.get(key) === value)) continue;
    // AlterConfigs replaces a topic's whole set of overrides: keep those the catalogue does not declare.
    const kept = entries
      .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !declared.some((d) => d.name === e.configName))
      .map((e) => ({ name: e.configName, value: e.configValue }));
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [...kept, ...declared] }] });
    changed.push(name);
  }
  return changed;
}

export function topicConfigEntries(spec: TopicSpec): { name: string; value: string }[] {
  const entries: Record<string, string> = {
    'cleanup.policy': spec.cleanupPolicy,
    'retention.ms': String(spec.retentionMs),
    ...spec.extraConfig,
  };
  return Object.entries(entries).map(([name, value]) => ({ name, value }));
}

const SERVED_TIMEOUT_MS = 15_000;

/**
 * createTopics' waitForLeaders only waits for the controller's view, and a broker that has just
 * started lists existing topics before it leads their partitions again: either way the broker may
 * still answer NOT_LEADER for a moment, which a service reading offsets right away (the router
 * does at start) would see as a failure. "Ready" means every topic's offsets can be read.
 */
async function waitUntilServed(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + SERVED_TIMEOUT_MS;
  for (const topic of topics) {
    for (let delayMs = 20; ; delayMs = Math.min(delayMs * 2, 500)) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        const retriable = (err as { retriable?: unknown }).retriable === true;
        if (!retriable || Date.now() + delayMs > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
}
