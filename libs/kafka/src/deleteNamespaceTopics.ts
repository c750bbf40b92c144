import type { Admin } from 'kafkajs';
import { topicNames } from './topics';

/**
 * Deletes a namespace's topics, and any `extra` ones, where they exist: scratch namespaces of
 * tests and benchmarks, so that a shared broker does not collect thousands of idle partitions.
 * Resolves with the topics deleted.
 */
export async function deleteNamespaceTopics(admin: Admin, namespace: string, extra: readonly string[] = []): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const mine = [...Object.values(topicNames(namespace)), ...extra].filter((t) => existing.has(t));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
  return mine;
}
