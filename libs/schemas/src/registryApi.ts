import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readCatalogFile, schemaFilePath } from './loadFileCatalog';
import { packageRoot } from './packageRoot';

/**
 * A read-only Confluent Schema Registry (REST API v1) over the checked-in catalog, for the readers
 * of the topics: kcat `-s avro -r`, Kafka Connect's AvroConverter, ksqlDB, Flink, Spark with ABRiS,
 * `@kafkajs/confluent-schema-registry`. Pure: it maps a method and a path to a status and a JSON
 * body; a service mounts it (the persister serves it under /schema-registry).
 *
 * Schema ids are the catalog's, so they never change. Every schema is registered under its record
 * name (RecordNameStrategy, e.g. `io.switchboard.Event`) and under `<topic>-value` of each topic
 * whose values it is (TopicNameStrategy, e.g. `switchboard.events.v1-value`), with the same
 * versions and ids under both names, as a registry gives one schema registered twice.
 */
export interface RegisteredSchema {
  readonly id: number;
  /** The record-name subject. */
  readonly subject: string;
  readonly version: number;
  /** The schema file's JSON, without insignificant whitespace. */
  readonly schema: string;
}

export interface TopicValueSubject {
  /** Full topic name, e.g. `switchboard.events.v1`. */
  readonly topic: string;
  /** The record-name subject of the topic's values. */
  readonly recordName: string;
}

export interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The content type a registry answers with. */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The registry's compatibility level: the rule compatibility.ts checks. */
export const REGISTRY_COMPATIBILITY = 'BACKWARD_TRANSITIVE';

/** Error codes of the Confluent Schema Registry that this one answers with. */
export const REGISTRY_ERRORS = {
  subjectNotFound: 40401,
  versionNotFound: 40402,
  schemaNotFound: 40403,
  invalidVersion: 42202,
} as const;

/** The schemas of the checked-in catalog, each with its file's text. */
export function readRegisteredSchemas(root: string = packageRoot()): RegisteredSchema[] {
  return readCatalogFile(root)
    .map((row) => {
      const text = readFileSync(path.join(root, schemaFilePath(row.subject, row.version)), 'utf8');
      return { ...row, schema: JSON.stringify(JSON.parse(text)) };
    })
    .sort((a, b) => a.id - b.id);
}

export interface RegistryApi {
  /** The answer to a request; `path` is relative to where the registry is mounted, e.g. `/subjects`. */
  answer(method: string, path: string): RegistryAnswer;
  /** Every subject with its versions, by name. */
  readonly subjects: ReadonlyMap<string, readonly RegisteredSchema[]>;
}

export function createRegistryApi(schemas: readonly RegisteredSchema[], topics: readonly TopicValueSubject[]): RegistryApi {
  const byId = new Map(schemas.map((s) => [s.id, s]));
  const subjects = new Map<string, RegisteredSchema[]>();
  const add = (subject: string, schema: RegisteredSchema) => subjects.set(subject, [...(subjects.get(subject) ?? []), schema]);
  for (const schema of schemas) add(schema.subject, schema);
  for (const { topic, recordName } of topics) {
    for (const schema of schemas.filter((s) => s.subject === recordName)) add(`${topic}-value`, schema);
  }
  for (const versions of subjects.values()) versions.sort((a, b) => a.version - b.version);
  const subjectsOf = (id: number) => [...subjects].filter(([, versions]) => versions.some((v) => v.id === id));

  const ok = (body: unknown): RegistryAnswer => ({ status: 200, body });
  const fail = (status: number, code: number, message: string): RegistryAnswer => ({ status, body: { error_code: code, message } });

  function schemaById(raw: string | undefined, what: 'schema' | 'raw' | 'versions' | 'subjects'): RegistryAnswer {
    const id = raw !== undefined && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
    const schema = byId.get(id);
    if (!schema) return fail(404, REGISTRY_ERRORS.schemaNotFound, `Schema ${raw ?? ''} not found`);
    if (what === 'raw') return ok(JSON.parse(schema.schema));
    if (what === 'versions') return ok(subjectsOf(id).map(([subject, versions]) => ({ subject, version: versions.find((v) => v.id === id)?.version })));
    if (what === 'subjects') return ok(subjectsOf(id).map(([subject]) => subject));
    return ok({ schema: schema.schema });
  }

  function subjectVersion(subject: string, rawVersion: string, raw: boolean): RegistryAnswer {
    const versions = subjects.get(subject);
    if (!versions) return fail(404, REGISTRY_ERRORS.subjectNotFound, `Subject '${subject}' not found.`);
    let found: RegisteredSchema | undefined;
    if (rawVersion === 'latest' || rawVersion === '-1') found = versions.at(-1);
    else if (/^\d{1,10}$/.test(rawVersion) && Number(rawVersion) >= 1 && Number(rawVersion) <= 2 ** 31 - 1) {
      found = versions.find((v) => v.version === Number(rawVersion));
    } else {
      return fail(
        422,
        REGISTRY_ERRORS.invalidVersion,
        `The specified version '${rawVersion}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
      );
    }
    if (!found) return fail(404, REGISTRY_ERRORS.versionNotFound, `Version ${rawVersion} not found.`);
    if (raw) return ok(JSON.parse(found.schema));
    return ok({ subject, version: found.version, id: found.id, schema: found.schema });
  }

  function route(parts: readonly string[]): RegistryAnswer | undefined {
    const [first, second, third, fourth, fifth, ...rest] = parts;
    if (rest.length > 0) return undefined;
    if (first === undefined) return ok({});
    if (first === 'schemas' && second === 'types' && third === undefined) return ok(['AVRO']);
    if (first === 'schemas' && second === 'ids' && fourth === undefined && fifth === undefined) {
      return schemaById(third, 'schema');
    }
    if (first === 'schemas' && second === 'ids' && fifth === undefined && (fourth === 'schema' || fourth === 'versions' || fourth === 'subjects')) {
      return schemaById(third, fourth === 'schema' ? 'raw' : fourth);
    }
    if (first === 'subjects' && second === undefined) return ok([...subjects.keys()].sort());
    if (first === 'subjects' && second !== undefined) {
      if (!subjects.has(second)) return fail(404, REGISTRY_ERRORS.subjectNotFound, `Subject '${second}' not found.`);
      if (third === 'versions' && fourth === undefined) return ok(subjects.get(second)?.map((v) => v.version));
      if (third === 'versions' && fourth !== undefined && (fifth === undefined || fifth === 'schema')) {
        return subjectVersion(second, fourth, fifth === 'schema');
      }
      if (third === 'versions' && fourth !== undefined && fifth === 'referencedby') {
        const answer = subjectVersion(second, fourth, false);
        return answer.status === 200 ? ok([]) : answer;
      }
      return undefined;
    }
    if (first === 'config' && third === undefined) {
      if (second !== undefined && !subjects.has(second)) return fail(404, REGISTRY_ERRORS.subjectNotFound, `Subject '${second}' not found.`);
      return ok({ compatibilityLevel: REGISTRY_COMPATIBILITY });
    }
    if (first === 'mode' && third === undefined) {
      if (second !== undefined && !subjects.has(second)) return fail(404, REGISTRY_ERRORS.subjectNotFound, `Subject '${second}' not found.`);
      return ok({ mode: 'READONLY' });
    }
    return undefined;
  }

  return {
    subjects,
    answer(method, rawPath) {
      if (method !== 'GET' && method !== 'HEAD') {
        return fail(405, 405, `HTTP 405 Method Not Allowed: this registry is read-only (its schemas are the checked-in catalog); ${method} is refused`);
      }
      let parts: string[];
      try {
        parts = rawPath.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
      } catch {
        return fail(400, 400, `the path ${rawPath} is not valid percent-encoding`);
      }
      const answer = route(parts);
      return answer ?? fail(404, 404, `HTTP 404 Not Found: no registry resource at ${rawPath}`);
    },
  };
}
