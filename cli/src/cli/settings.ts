import { ConfigError, NAMESPACE_PATTERN, commonSpec, kafkaSecurity, kafkaSecuritySpec, loadConfig, type Field, type KafkaSecurity } from '@switchboard/config';
import { configError, usageError } from './cliError';
import { stringOption } from './optionValues';
import type { OptionSpecs, OptionValues } from './parseCommandArgs';

export const DEFAULT_GATEWAY_URL = 'ws://127.0.0.1:8080/v1';

/** Options every command accepts. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  gateway: { type: 'string' },
  brokers: { type: 'string' },
  namespace: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const GLOBAL_HELP = `global options:
  --gateway <url>      gateway WebSocket URL (env GATEWAY_URL, default ${DEFAULT_GATEWAY_URL})
  --brokers <list>     Kafka brokers, host:port,... (env KAFKA_BROKERS, default 127.0.0.1:9092)
  --namespace <name>   installation namespace (env SWITCHBOARD_NAMESPACE, default switchboard)
  --verbose            show the Kafka client's own warnings
  -h, --help           show help`;

/**
 * Where to reach the platform. Each is resolved when a command first needs it, so a wrong
 * KAFKA_BROKERS does not stop `token`. A bad flag is a usage error (64); a bad environment
 * variable is a configuration error (78), as the services report it.
 */
export interface Settings {
  namespace(): string;
  brokers(): string[];
  /** TLS and SASL to the brokers, from the services' KAFKA_SECURITY_PROTOCOL and related variables. */
  kafkaSecurity(): KafkaSecurity;
  gatewayUrl(): string;
}


export function resolveSettings(values: OptionValues, env: NodeJS.ProcessEnv): Settings {
  return {
    namespace: () =>
      fromFlagOrEnv(values, 'namespace', env, 'SWITCHBOARD_NAMESPACE', commonSpec.SWITCHBOARD_NAMESPACE, (text) =>
        NAMESPACE_PATTERN.test(text) ? text : undefined,
      ),
    brokers: () => fromFlagOrEnv(values, 'brokers', env, 'KAFKA_BROKERS', commonSpec.KAFKA_BROKERS, parseBrokers),
    kafkaSecurity: () => {
      try {
        return kafkaSecurity(loadConfig(kafkaSecuritySpec, env));
      } catch (err) {
        if (err instanceof ConfigError) throw configError(err.problems.join('; '));
        throw err;
      }
    },
    gatewayUrl: () => {
      const flag = stringOption(values, 'gateway');
      if (flag !== undefined) {
        const url = normalizeGatewayUrl(flag);
        if (!url) throw usageError(`--gateway must be a ws://, wss://, http:// or https:// URL, got "${flag}"`);
        return url;
      }
      const fromEnv = env.GATEWAY_URL?.trim();
      if (!fromEnv) return DEFAULT_GATEWAY_URL;
      const url = normalizeGatewayUrl(fromEnv);
      if (!url) throw configError(`GATEWAY_URL must be a ws://, wss://, http:// or https:// URL, got "${fromEnv}"`);
      return url;
    },
  };
}

function fromFlagOrEnv<T>(
  values: OptionValues,
  flag: string,
  env: NodeJS.ProcessEnv,
  variable: string,
  field: Field<T>,
  parseFlag: (text: string) => T | undefined,
): T {
  const text = stringOption(values, flag);
  if (text !== undefined) {
    const value = parseFlag(text.trim());
    if (value === undefined) throw usageError(`--${flag} ${describeProblem(field, text)}`);
    return value;
  }
  const result = field.parse(env[variable]);
  if (!result.ok) throw configError(`${variable} ${result.problem}`);
  return result.value;
}

function describeProblem<T>(field: Field<T>, text: string): string {
  const result = field.parse(text);
  return result.ok ? `is not acceptable: "${text}"` : result.problem;
}

function parseBrokers(text: string): string[] | undefined {
  const result = commonSpec.KAFKA_BROKERS.parse(text);
  return result.ok && text.trim() !== '' ? result.value : undefined;
}

/** ws(s) URLs as given; http(s) become ws(s); a URL without a path gets the protocol's `/v1`. */
export function normalizeGatewayUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const protocols: Record<string, string> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };
  const protocol = protocols[url.protocol];
  if (!protocol) return undefined;
  url.protocol = protocol;
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1';
  return url.toString();
}
