import type { Type, types } from 'avsc';
import { isArray, isLogical, isMap, isRecord, isUnion } from './avroTypes';
import { describeValue } from './describeValue';
import type { EncodeProblem } from './errors';
import { formatPath } from './formatPath';
import { TAG, unionShape, type Variant } from './unionShape';
import { variantNameField } from './variantNameFields';

/**
 * Converts between the plain TypeScript values of this package and avsc's values: unions are
 * `X | null` or `{ type: 'Variant', ...fields }` in TypeScript and `{ branchName: value }` in avsc
 * (wrapped unions); records are plain objects rather than avsc's record classes.
 */
export interface PlainMapping {
  /** Reports what cannot be converted into `ctx.problems` instead of throwing. */
  toAvro(value: unknown, ctx: EncodeContext): unknown;
  fromAvro(value: unknown): unknown;
}

export interface EncodeContext {
  /** The path of the value being converted, kept as a stack. */
  readonly path: (string | number)[];
  readonly problems: EncodeProblem[];
}

const IDENTITY: PlainMapping = { toAvro: (value) => value, fromAvro: (value) => value };
const mappings = new WeakMap<Type, PlainMapping>();

/** The mapping of a parsed schema, built once per type. */
export function plainMapping(type: Type): PlainMapping {
  let mapping = mappings.get(type);
  if (!mapping) {
    mapping = build(type);
    mappings.set(type, mapping);
  }
  return mapping;
}

function build(type: Type): PlainMapping {
  if (isRecord(type)) return recordMapping(type);
  if (isUnion(type)) return unionMapping(type);
  if (isArray(type)) return arrayMapping(type);
  if (isMap(type)) return mapMapping(type);
  if (isLogical(type)) return plainMapping(type.underlyingType);
  return IDENTITY;
}

function recordMapping(type: types.RecordType, tag?: string): PlainMapping {
  // Field mappings are built on first use, so a record that refers to itself does not recurse forever.
  const variantName = variantNameField(type.name, type.fields.map((f) => f.name));
  let fields: { name: string; mapping: PlainMapping }[] | undefined;
  const getFields = () =>
    (fields ??= type.fields.filter((f) => f.name !== variantName?.field).map((f) => ({ name: f.name, mapping: plainMapping(f.type) })));
  const declared = new Set(type.fields.map((f) => f.name));
  if (variantName) declared.delete(variantName.field);
  if (tag !== undefined) declared.add(TAG);
  return {
    toAvro(value, ctx) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problem(ctx, `expected an object (record ${type.name ?? ''}), got ${describeValue(value)}`);
        return undefined;
      }
      const source = value as Record<string, unknown>;
      for (const key of Object.keys(source)) {
        if (!declared.has(key)) within(ctx, key, () => problem(ctx, `unknown field (not in ${type.name ?? 'the record'})`));
      }
      const out: Record<string, unknown> = {};
      for (const { name, mapping } of getFields()) out[name] = within(ctx, name, () => mapping.toAvro(source[name], ctx));
      if (variantName) out[variantName.field] = variantTag(source[variantName.of]);
      return out;
    },
    fromAvro(value) {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = tag === undefined ? {} : { [TAG]: tag };
      for (const { name, mapping } of getFields()) out[name] = mapping.fromAvro(source[name]);
      return out;
    },
  };
}

/** The `type` tag of a union value; empty when there is none (the union's own mapping reports that). */
function variantTag(value: unknown): string {
  const tag = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[TAG] : undefined;
  return typeof tag === 'string' ? tag : '';
}

function unionMapping(type: Type): PlainMapping {
  const shape = unionShape(type);
  if (shape.kind === 'nullable') {
    const inner = plainMapping(shape.inner);
    return {
      toAvro: (value, ctx) => (value === null || value === undefined ? value : { [shape.branch]: inner.toAvro(value, ctx) }),
      fromAvro: (value) => (value === null ? null : inner.fromAvro((value as Record<string, unknown>)[shape.branch])),
    };
  }
  const byTag = new Map<unknown, { variant: Variant; mapping: PlainMapping }>();
  const byBranch = new Map<string, PlainMapping>();
  for (const variant of shape.variants) {
    const mapping = recordMapping(variant.record, variant.tag);
    byTag.set(variant.tag, { variant, mapping });
    byBranch.set(variant.branch, mapping);
  }
  const tags = shape.variants.map((v) => v.tag).join(', ');
  return {
    toAvro(value, ctx) {
      const tag = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[TAG] : undefined;
      const found = byTag.get(tag);
      if (!found) {
        problem(ctx, `expected an object whose "${TAG}" is one of ${tags}, got ${describeValue(tag === undefined ? value : tag)}`);
        return undefined;
      }
      return { [found.variant.branch]: found.mapping.toAvro(value, ctx) };
    },
    fromAvro(value) {
      const wrapped = value as Record<string, unknown>;
      const branch = Object.keys(wrapped)[0] ?? '';
      const mapping = byBranch.get(branch);
      if (!mapping) throw new Error(`decoded union has unknown branch ${branch}`);
      return mapping.fromAvro(wrapped[branch]);
    },
  };
}

function arrayMapping(type: types.ArrayType): PlainMapping {
  const items = plainMapping(type.itemsType);
  if (items === IDENTITY) return IDENTITY;
  return {
    toAvro: (value, ctx) => (Array.isArray(value) ? value.map((item, i) => within(ctx, i, () => items.toAvro(item, ctx))) : value),
    fromAvro: (value) => (value as unknown[]).map((item) => items.fromAvro(item)),
  };
}

function mapMapping(type: types.MapType): PlainMapping {
  const values = plainMapping(type.valuesType as Type);
  if (values === IDENTITY) return IDENTITY;
  const convert = (value: unknown, each: (item: unknown, key: string) => unknown) =>
    Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, each(item, key)]));
  return {
    toAvro: (value, ctx) =>
      typeof value === 'object' && value !== null
        ? convert(value, (item, key) => within(ctx, key, () => values.toAvro(item, ctx)))
        : value,
    fromAvro: (value) => convert(value, (item) => values.fromAvro(item)),
  };
}

function within<T>(ctx: EncodeContext, part: string | number, fn: () => T): T {
  ctx.path.push(part);
  try {
    return fn();
  } finally {
    ctx.path.pop();
  }
}

function problem(ctx: EncodeContext, message: string): void {
  ctx.problems.push({ path: formatPath(ctx.path), message });
}
