/**
 * Avro schemas of every Switchboard topic and their Confluent wire-format codec.
 *
 * ```ts
 * import { createCodec, loadFileCatalog, encodeCommand, decodeCommand } from '@switchboard/schemas';
 *
 * const codec = createCodec(loadFileCatalog());
 * const bytes = encodeCommand(codec, command); // magic byte 0, schema id, Avro binary
 * const again = decodeCommand(codec, bytes); // throws only SchemaError subclasses, none retriable
 * ```
 *
 * Schemas live in avro/<subject>/v<version>.avsc with ids in catalog.json; see the README.
 */
export type { CatalogEntry, SchemaCatalog, StaticCatalog } from './catalog';
export { createCatalog, latestEntries } from './catalog';
export { loadFileCatalog, readCatalogFile, schemaFilePath } from './loadFileCatalog';
export type { CatalogFileRow } from './loadFileCatalog';
export { parseSchema } from './parseSchema';
export { createCodec } from './createCodec';
export type { Codec, Decoded } from './createCodec';
export { HEADER_LENGTH, MAGIC_BYTE } from './wireFormat';
export {
  EncodeError,
  IncompatibleSchemaError,
  SchemaError,
  SchemaMismatchError,
  UnknownSchemaIdError,
  UnknownSubjectError,
  WireFormatError,
} from './errors';
export type { EncodeProblem } from './errors';
export { findIncompatibilities } from './compatibility';
export type { Incompatibility } from './compatibility';
export { SUBJECTS } from './subjects';
export {
  REGISTRY_COMPATIBILITY,
  REGISTRY_CONTENT_TYPE,
  REGISTRY_ERRORS,
  createRegistryApi,
  readRegisteredSchemas,
} from './registryApi';
export type { RegisteredSchema, RegistryAnswer, RegistryApi, TopicValueSubject } from './registryApi';
export type { Subject } from './subjects';
export {
  decodeCommand,
  decodeDelivery,
  decodeEvent,
  encodeCommand,
  encodeDelivery,
  encodeEvent,
} from './typedCodecs';
export type * from './generated/types';
