import type { Type } from 'avsc';
import { isArray, isEnum, isFixed, isLogical, isMap, isRecord, isUnion } from './avroTypes';
import { describeValue } from './describeValue';
import type { EncodeProblem } from './errors';
import { formatPath } from './formatPath';
import { unionShape } from './unionShape';

/**
 * What avsc finds wrong with a value (in avsc's form) for a type, each problem with its path in
 * the TypeScript value: union branch names, which only exist in avsc's wrapped form, are left out.
 */
export function avroProblems(type: Type, value: unknown): EncodeProblem[] {
  const problems: EncodeProblem[] = [];
  type.isValid(value, {
    errorHook: (avroPath, found, failed) => {
      const { path, inNullable } = plainPath(type, avroPath);
      const expected = `${describeType(failed)}${inNullable ? ' or null' : ''}`;
      problems.push({ path: formatPath(path), message: `expected ${expected}, got ${describeValue(found)}` });
    },
  });
  return problems;
}

/** The path without branch names, and whether its last step chose the branch of a nullable union. */
function plainPath(root: Type, avroPath: readonly string[]): { path: (string | number)[]; inNullable: boolean } {
  const path: (string | number)[] = [];
  let type: Type | undefined = root;
  let inNullable = false;
  for (const part of avroPath) {
    while (type && isLogical(type)) type = type.underlyingType;
    if (!type) break;
    inNullable = isUnion(type) && unionShape(type).kind === 'nullable';
    if (isRecord(type)) {
      path.push(part);
      type = type.field(part)?.type;
    } else if (isUnion(type)) {
      type = type.types.find((branch) => branch.branchName === part);
    } else if (isArray(type)) {
      path.push(Number(part));
      type = type.itemsType;
    } else if (isMap(type)) {
      path.push(part);
      type = type.valuesType as Type;
    } else {
      path.push(part);
    }
  }
  return { path, inNullable };
}

function describeType(type: Type): string {
  if (isUnion(type)) {
    const shape = unionShape(type);
    return shape.kind === 'nullable' ? `${describeType(shape.inner)} or null` : type.types.map(describeType).join(' or ');
  }
  if (isRecord(type)) return `record ${type.name ?? ''}`;
  if (isEnum(type)) return `one of ${type.symbols.join(', ')}`;
  if (isArray(type)) return `an array of ${describeType(type.itemsType)}`;
  if (isMap(type)) return `a map of ${describeType(type.valuesType as Type)}`;
  if (isFixed(type)) return `${type.size} bytes`;
  if (isLogical(type)) return describeType(type.underlyingType);
  if (type.typeName === 'long' || type.typeName === 'int') return `an integer (${type.typeName})`;
  return type.typeName;
}
