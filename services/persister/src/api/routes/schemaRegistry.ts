import type { ServerResponse } from 'node:http';
import { TOPICS } from '@switchboard/kafka';
import { REGISTRY_CONTENT_TYPE, createRegistryApi, readRegisteredSchemas } from '@switchboard/schemas';

/** Where the registry is mounted: tools are pointed at `http://<persister>:<port>/schema-registry`. */
export const SCHEMA_REGISTRY_PATH = '/schema-registry';

export function isSchemaRegistryPath(pathname: string): boolean {
  return pathname === SCHEMA_REGISTRY_PATH || pathname.startsWith(`${SCHEMA_REGISTRY_PATH}/`);
}

/**
 * GET /schema-registry/...: the read-only Confluent Schema Registry API over the checked-in schema
 * catalog (libs/schemas registryApi.ts), with the `<topic>-value` subjects of this installation's
 * topics. Answered from memory: it needs neither Kafka nor Postgres. Errors are the registry's
 * `{error_code, message}`, not the API's `{code, message}`, because registry clients parse them.
 */
export function createSchemaRegistryRoute(namespace: string) {
  const api = createRegistryApi(
    readRegisteredSchemas(),
    TOPICS.map((topic) => ({ topic: `${namespace}.${topic.suffix}`, recordName: topic.valueSchema })),
  );
  return (method: string, url: URL, res: ServerResponse): { name: string } => {
    const answer = api.answer(method, url.pathname.slice(SCHEMA_REGISTRY_PATH.length));
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': REGISTRY_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(method === 'HEAD' ? undefined : text);
    return { name: 'schema_registry' };
  };
}
