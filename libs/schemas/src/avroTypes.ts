import type { Type, types } from 'avsc';

/**
 * Narrowing for avsc's parsed types, whose typings expose only the base class. The checks go by
 * `typeName`, which avsc sets on every type.
 */
export function isRecord(type: Type): type is types.RecordType {
  return type.typeName === 'record' || type.typeName === 'error';
}

export function isUnion(type: Type): type is types.WrappedUnionType | types.UnwrappedUnionType {
  return type.typeName.startsWith('union');
}

export function isArray(type: Type): type is types.ArrayType {
  return type.typeName === 'array';
}

export function isMap(type: Type): type is types.MapType {
  return type.typeName === 'map';
}

export function isEnum(type: Type): type is types.EnumType {
  return type.typeName === 'enum';
}

export function isFixed(type: Type): type is types.FixedType {
  return type.typeName === 'fixed';
}

export function isLogical(type: Type): type is types.LogicalType {
  return type.typeName.startsWith('logical:');
}

/** A record field's `doc`, which avsc keeps but its typings omit. */
export function fieldDoc(field: types.Field): string | undefined {
  return (field as types.Field & { doc?: string }).doc;
}

/** `io.switchboard.SendMessage` -> `SendMessage`. */
export function shortName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}
