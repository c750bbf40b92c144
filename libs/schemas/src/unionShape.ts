import type { Type, types } from 'avsc';
import { isRecord, isUnion, shortName } from './avroTypes';

/** A record branch of a union, and the `type` tag that stands for it in TypeScript values. */
export interface Variant {
  readonly tag: string;
  /** The branch name in avsc's wrapped form: the record's full name. */
  readonly branch: string;
  readonly record: types.RecordType;
}

/**
 * The two union shapes the TypeScript mapping supports: `["null", X]`, which is `X | null`, and a
 * union of records, which is a discriminated union tagged by `type` (the record's short name).
 */
export type UnionShape =
  | { readonly kind: 'nullable'; readonly inner: Type; readonly branch: string }
  | { readonly kind: 'variants'; readonly variants: readonly Variant[] };

export const TAG = 'type';

const shapes = new WeakMap<Type, UnionShape>();

/** Classifies a union; throws, naming its branches, if it has neither supported shape. */
export function unionShape(union: Type): UnionShape {
  if (!isUnion(union)) throw new Error(`${union.typeName} is not a union`);
  let shape = shapes.get(union);
  if (!shape) {
    shape = classify(union.types);
    shapes.set(union, shape);
  }
  return shape;
}

function classify(branches: readonly Type[]): UnionShape {
  const described = `[${branches.map((b) => b.branchName ?? b.typeName).join(', ')}]`;
  const nonNull = branches.filter((b) => b.typeName !== 'null');
  if (branches.length === 2 && nonNull.length === 1) {
    const inner = nonNull[0] as Type;
    return { kind: 'nullable', inner, branch: inner.branchName ?? inner.typeName };
  }
  if (nonNull.length === branches.length && branches.every(isRecord)) {
    const variants = branches.map((record): Variant => {
      const name = record.name ?? '';
      if (record.fields.some((f) => f.name === TAG)) {
        throw new Error(`union ${described}: record ${name} has a field named "${TAG}", which is the variant tag`);
      }
      return { tag: shortName(name), branch: name, record };
    });
    const tags = new Set(variants.map((v) => v.tag));
    if (tags.size !== variants.length) throw new Error(`union ${described}: two records share a short name`);
    return { kind: 'variants', variants };
  }
  throw new Error(`unsupported union ${described}: use ["null", X] or a union of records only`);
}
