/**
 * Settings from environment variables: typed fields with defaults, validated together at start.
 *
 * @example
 * const config = loadConfigOrExit('gateway', { ...commonSpec, GATEWAY_PORT: port({ description: 'WebSocket port', default: 8080 }) });
 */
export { bool, hostPorts, int, list, oneOf, optionalFile, optionalStr, port, str, url } from './fields';
export type { Field, ParseResult } from './fields';
export { ConfigError, EXIT_CONFIG, checkedOrExit, describeSpec, exitIfRefused, loadConfig, loadConfigOrExit } from './loadConfig';
export type { ConfigOf, Spec } from './loadConfig';
export { NAMESPACE_PATTERN, commonSpec, databaseSpec, kafkaSecuritySpec, redisSpec } from './common';
export { databaseUrl, kafkaSecurity, redisConnection } from './connectionSecurity';
export type { KafkaSecurity, KafkaSecuritySettings, RedisConnection, RedisSecuritySettings } from './connectionSecurity';
export { credentialProblem } from './credentialProblems';
export type { CredentialSettings } from './credentialProblems';
