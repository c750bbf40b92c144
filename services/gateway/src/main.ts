import { Redis } from 'ioredis';
import { createTokenVerifier } from '@switchboard/auth';
import { ConfigError, EXIT_CONFIG, checkedOrExit, exitIfRefused, kafkaSecurity, redisConnection } from '@switchboard/config';
import { createKafka, createKafkaProbe, kafkaCredentialProblem } from '@switchboard/kafka';
import { createPresence, redisCredentialProblem } from '@switchboard/presence';
import { createCodec, loadFileCatalog } from '@switchboard/schemas';
import { createLogger, createMetrics, onShutdownSignal } from '@switchboard/telemetry';
import { gatewaySettings, loadGatewayConfig, verifierOptions, type GatewayConfig } from './config';
import { createDevTokenIssuer, createGateway, type DevTokenIssuer } from './index';
import { createHistoryClient } from './storage/historyClient';

function configOrExit(): GatewayConfig {
  try {
    return loadGatewayConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`gateway: ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/** Development tokens last an hour; the client asks for a new one before that. */
const DEV_TOKEN_TTL_S = 3600;

function devTokenIssuerOf(config: GatewayConfig): DevTokenIssuer | undefined {
  if (!config.GATEWAY_DEV_TOKENS || config.JWT_SECRET === undefined) return undefined;
  return createDevTokenIssuer({
    secret: config.JWT_SECRET,
    ttlSec: DEV_TOKEN_TTL_S,
    ...(config.JWT_AUDIENCE !== undefined ? { audience: config.JWT_AUDIENCE } : {}),
    ...(config.JWT_ISSUER !== undefined ? { issuer: config.JWT_ISSUER } : {}),
  });
}

async function main(): Promise<void> {
  const config = configOrExit();
  const settings = checkedOrExit('gateway', () => gatewaySettings(config));
  const logger = createLogger('gateway', config.LOG_LEVEL, { gatewayId: settings.gatewayId });
  if (settings.allowedOrigins.length === 0) logger.warn('GATEWAY_ALLOWED_ORIGINS is empty: any origin may connect (development only)');
  const kafkaSecurityOptions = checkedOrExit('gateway', () => kafkaSecurity(config));
  const redisTarget = checkedOrExit('gateway', () => redisConnection(config));
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: settings.gatewayId,
    security: kafkaSecurityOptions,
    log: (level, message, extra) => logger[level](message, { component: 'kafkajs', ...extra }),
  });
  const devTokens = devTokenIssuerOf(config);
  if (devTokens) logger.warn('GATEWAY_DEV_TOKENS is on: GET /dev/token signs a token for any user (development only)');
  const redis = new Redis({ ...redisTarget, maxRetriesPerRequest: 3, enableOfflineQueue: true });
  redis.on('error', (err) => logger.warn('redis error', { err }));
  await exitIfRefused('gateway', [kafkaCredentialProblem(kafka), redisCredentialProblem(redisTarget)]);
  const gateway = createGateway({
    settings,
    kafka,
    redis,
    presence: createPresence({ redis, namespace: settings.namespace }),
    kafkaProbe: createKafkaProbe({ brokers: config.KAFKA_BROKERS, clientId: settings.gatewayId, security: kafkaSecurityOptions }),
    codec: createCodec(loadFileCatalog()),
    verifier: createTokenVerifier(verifierOptions(config)),
    history: createHistoryClient({ baseUrl: config.PERSISTER_URL, timeoutMs: settings.requestTimeoutMs }),
    ...(devTokens ? { devTokens } : {}),
    logger,
    metrics: createMetrics(),
  });
  onShutdownSignal(logger, () => gateway.stop(), config.SHUTDOWN_GRACE_MS);
  await gateway.start();
  logger.info('gateway started', { namespace: settings.namespace, port: gateway.port, brokers: config.KAFKA_BROKERS });
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
