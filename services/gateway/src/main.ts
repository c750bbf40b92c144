import { Redis } from 'ioredis';
import { createTokenVerifier } from '@switchboard/auth';
import { ConfigError, EXIT_CONFIG } from '@switchboard/config';
import { createKafka } from '@switchboard/kafka';
import { createPresence } from '@switchboard/presence';
import { createCodec, loadFileCatalog } from '@switchboard/schemas';
import { createLogger, createMetrics, onShutdownSignal } from '@switchboard/telemetry';
import { gatewaySettings, loadGatewayConfig, verifierOptions, type GatewayConfig } from './config';
import { createGateway } from './index';
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

async function main(): Promise<void> {
  const config = configOrExit();
  const settings = gatewaySettings(config);
  const logger = createLogger('gateway', config.LOG_LEVEL, { gatewayId: settings.gatewayId });
  if (settings.allowedOrigins.length === 0) logger.warn('GATEWAY_ALLOWED_ORIGINS is empty: any origin may connect (development only)');
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: settings.gatewayId,
    log: (level, message, extra) => logger[level](message, { component: 'kafkajs', ...extra }),
  });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
  redis.on('error', (err) => logger.warn('redis error', { err }));
  const gateway = createGateway({
    settings,
    kafka,
    redis,
    presence: createPresence({ redis, namespace: settings.namespace }),
    codec: createCodec(loadFileCatalog()),
    verifier: createTokenVerifier(verifierOptions(config)),
    history: createHistoryClient({ baseUrl: config.PERSISTER_URL, timeoutMs: settings.requestTimeoutMs }),
    logger,
    metrics: createMetrics(),
  });
  onShutdownSignal(logger, () => gateway.stop());
  await gateway.start();
  logger.info('gateway started', { namespace: settings.namespace, port: gateway.port, brokers: config.KAFKA_BROKERS });
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
