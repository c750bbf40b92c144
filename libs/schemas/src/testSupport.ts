import type { Type } from 'avsc';
import { isArray, isMap, isRecord, isUnion, isLogical } from './avroTypes';

/*
 * Helpers shared by this package's tests.
 */

/** A deterministic PRNG (mulberry32), so a failing random case can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** Every named type (record, enum, fixed) reachable from a type, by full name, each listed once per name. */
export function namedTypes(root: Type): Map<string, Type> {
  const found = new Map<string, Type>();
  const visit = (type: Type): void => {
    if (type.name !== undefined) {
      if (found.has(type.name)) return;
      found.set(type.name, type);
    }
    if (isRecord(type)) type.fields.forEach((f) => visit(f.type));
    else if (isUnion(type)) type.types.forEach(visit);
    else if (isArray(type)) visit(type.itemsType);
    else if (isMap(type)) visit(type.valuesType as Type);
    else if (isLogical(type)) visit(type.underlyingType);
  };
  visit(root);
  return found;
}
