import { Type } from 'avsc';

/**
 * Parses one schema file's JSON. Every schema goes through here so that all of them share the
 * options the codec relies on: wrapped unions (a branch is always named, never guessed from the
 * value), and no logical types, so `timestamp-millis` stays a plain number of epoch milliseconds.
 * Each call gets its own registry: a file must define every named type it uses.
 */
export function parseSchema(schema: unknown): Type {
  return Type.forSchema(schema as Parameters<typeof Type.forSchema>[0], { wrapUnions: true, registry: {} });
}
