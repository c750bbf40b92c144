import { TOPICS, type TopicSpec } from '@switchboard/kafka';
import { usageError } from '../cli/cliError';

export interface ResolvedTopic {
  readonly name: string;
  /** The catalogue entry, when the topic is one of the platform's (by short id or by suffix). */
  readonly spec?: TopicSpec;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** `events` → `<namespace>.events.v1`; a full name is kept, and recognised by its suffix. */
export function resolveTopic(arg: string, namespace: string): ResolvedTopic {
  const byId = TOPICS.find((t) => t.id === arg);
  if (byId) return { name: `${namespace}.${byId.suffix}`, spec: byId };
  if (!TOPIC_NAME.test(arg)) {
    throw usageError(`"${arg}" is neither a topic id (${TOPICS.map((t) => t.id).join(', ')}) nor a topic name`);
  }
  const bySuffix = TOPICS.find((t) => arg.endsWith(`.${t.suffix}`));
  return bySuffix ? { name: arg, spec: bySuffix } : { name: arg };
}
