/**
 * Fields that name the variant of another field of the same record (a union of records), so that a
 * reader that sees neither Kafka headers nor Avro union branch names (Spark and Flink turn a union
 * into `member0`, `member1`, ...) still knows what a record holds.
 *
 * The codec writes them from the variant itself, so they cannot disagree with it, and leaves them
 * out of TypeScript values, where the variant's `type` tag says the same. Keyed by the full name of
 * the record that has them.
 */
export const VARIANT_NAME_FIELDS: Readonly<Record<string, { readonly field: string; readonly of: string }>> = {
  'io.switchboard.Command': { field: 'commandType', of: 'body' },
  'io.switchboard.Event': { field: 'eventType', of: 'body' },
};

/** The variant-name field of a record, if it has one in this schema version. */
export function variantNameField(
  recordName: string | undefined,
  fieldNames: readonly string[],
): { readonly field: string; readonly of: string } | undefined {
  const entry = recordName === undefined ? undefined : VARIANT_NAME_FIELDS[recordName];
  return entry && fieldNames.includes(entry.field) ? entry : undefined;
}
