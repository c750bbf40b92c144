import type { Type, types } from 'avsc';
import { fieldDoc, isArray, isEnum, isFixed, isLogical, isMap, isRecord, isUnion, shortName } from './avroTypes';
import { TAG, unionShape } from './unionShape';
import { variantNameField } from './variantNameFields';

const HEADER = `// Generated from the latest schema of each subject in catalog.json by \`npm run gen -w @switchboard/schemas\`.
// Do not edit: change the schemas, then regenerate.
`;

/**
 * The TypeScript declarations of the given schemas, matching the values the codec takes and
 * returns (see plainMapping). A named type used by several schemas is declared once, and must be
 * defined the same way everywhere.
 */
export function renderTypes(roots: readonly Type[]): string {
  const declarations = new Map<string, string | undefined>();
  const roles = new Map<string, 'variant' | 'plain'>();

  /** Declares a named type once; a second definition must render the same. */
  function declare(name: string, render: () => string): void {
    if (!declarations.has(name)) {
      declarations.set(name, undefined); // reserve the slot: a declaration comes before what it uses
      declarations.set(name, render());
      return;
    }
    const existing = declarations.get(name);
    if (existing !== undefined && existing !== render()) {
      throw new Error(`${name} is defined differently in two schemas; a named type must have one definition`);
    }
  }

  function record(type: types.RecordType, role: 'variant' | 'plain'): string {
    const name = shortName(type.name ?? '');
    const other = roles.get(name);
    if (other && other !== role) throw new Error(`record ${name} is used both as a union variant and as a plain record`);
    roles.set(name, role);
    declare(name, () => {
      const lines = [doc(type.doc, ''), `export interface ${name} {`];
      if (role === 'variant') lines.push(`  /** Variant tag. */`, `  readonly ${TAG}: '${name}';`);
      const variantName = variantNameField(type.name, type.fields.map((f) => f.name));
      for (const field of type.fields) {
        if (field.name === variantName?.field) continue; // written by the codec from the variant's tag
        lines.push(doc(fieldDoc(field), '  '), `  readonly ${field.name}: ${tsType(field.type, name, field.name)};`);
      }
      lines.push('}');
      return lines.filter((l) => l !== '').join('\n');
    });
    return name;
  }

  function tsType(type: Type, owner: string, field: string): string {
    switch (type.typeName) {
      case 'null':
        return 'null';
      case 'boolean':
        return 'boolean';
      case 'int':
      case 'long':
      case 'float':
      case 'double':
        return 'number';
      case 'string':
        return 'string';
      case 'bytes':
        return 'Buffer';
    }
    if (isFixed(type)) return 'Buffer';
    if (isLogical(type)) return tsType(type.underlyingType, owner, field);
    if (isRecord(type)) return record(type, 'plain');
    if (isEnum(type)) {
      const name = shortName(type.name ?? '');
      declare(name, () => `${doc(type.doc, '')}\nexport type ${name} = ${type.symbols.map((s) => `'${s}'`).join(' | ')};`.trim());
      return name;
    }
    if (isArray(type)) return `readonly ${parenthesize(tsType(type.itemsType, owner, field))}[]`;
    if (isMap(type)) return `{ readonly [key: string]: ${tsType(type.valuesType as Type, owner, field)} }`;
    if (isUnion(type)) {
      const shape = unionShape(type);
      if (shape.kind === 'nullable') return `${tsType(shape.inner, owner, field)} | null`;
      const alias = `${owner}${field.charAt(0).toUpperCase()}${field.slice(1)}`;
      declare(alias, () => {
        const members = shape.variants.map((v) => record(v.record, 'variant'));
        const lines = [`/** The variants of \`${owner}.${field}\`, told apart by \`${TAG}\`. */`, `export type ${alias} =`];
        return [...lines, ...members.map((m) => `  | ${m}`)].join('\n') + ';';
      });
      return alias;
    }
    throw new Error(`${owner}.${field}: no TypeScript mapping for Avro type ${type.typeName}`);
  }

  for (const root of roots) {
    if (!isRecord(root)) throw new Error(`a subject's schema must be a record, got ${root.typeName}`);
    record(root, 'plain');
  }
  return `${HEADER}\n${[...declarations.values()].join('\n\n')}\n`;
}

function doc(text: string | undefined, indent: string): string {
  return text ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */` : '';
}

function parenthesize(type: string): string {
  return type.includes(' ') ? `(${type})` : type;
}
