import type { Type } from 'avsc';

export type Resolver = ReturnType<Type['createResolver']>;

/**
 * avsc's resolver from a writer's schema to a reader's, without an avsc flaw: while it resolves a
 * union it tries each reader branch against the writer's record, and a failed try stays in its
 * registry of record resolvers (keyed `reader:writer`) without a read function. When the same pair
 * comes up again inside another union (Delivery's BatchedDelivery names CommandReply and
 * EphemeralDelivery a second time), avsc takes that leftover for a match and reading fails with
 * "typeResolver._read is not a function". A finished resolver is frozen, so a registry that shows
 * avsc only finished ones, and unfinished ones of a record read as itself (the in-progress entries
 * recursive schemas need), makes a failed try fail again instead. Records are matched by name
 * here: the schemas use no aliases.
 */
export function resolveSchemas(reader: Type, writer: Type): Resolver {
  const entries = new Map<string, Resolver>();
  const registry = new Proxy({} as Record<string, Resolver>, {
    get: (_target, key) => {
      if (typeof key !== 'string') return undefined;
      const entry = entries.get(key);
      if (!entry) return undefined;
      const [readerName, writerName] = key.split(':');
      return Object.isFrozen(entry) || readerName === writerName ? entry : undefined;
    },
    set: (_target, key, value: Resolver) => {
      if (typeof key === 'string') entries.set(key, value);
      return true;
    },
  });
  return reader.createResolver(writer, { registry } as unknown as Parameters<Type['createResolver']>[1]);
}
