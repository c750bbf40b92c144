import { Redis } from 'ioredis';
import { checkedOrExit, exitIfRefused, kafkaSecurity, loadConfigOrExit, redisConnection } from '@switchboard/config';
import { createKafka, createKafkaProbe, kafkaCredentialProblem } from '@switchboard/kafka';
import { createPresence, createPresenceView, redisCredentialProblem } from '@switchboard/presence';
import { createCodec, loadFileCatalog } from '@switchboard/schemas';
import { createLogger, createMetrics, onShutdownSignal, startHealthServer } from '@switchboard/telemetry';
import { routerSpec } from './config';
import { createRouter } from './index';

async function main(): Promise<void> {
  const config = loadConfigOrExit('router', routerSpec);
  const logger = createLogger('router', config.LOG_LEVEL, { instance: config.ROUTER_INSTANCE_ID });
  const metrics = createMetrics();
  const kafkaSecurityOptions = checkedOrExit('router', () => kafkaSecurity(config));
  const redisTarget = checkedOrExit('router', () => redisConnection(config));
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.ROUTER_INSTANCE_ID,
    security: kafkaSecurityOptions,
    log: (level, message, extra) => logger[level](message, { component: 'kafkajs', ...extra }),
  });
  const redis = new Redis({ ...redisTarget, maxRetriesPerRequest: 3, enableOfflineQueue: true, lazyConnect: false });
  redis.on('error', (err) => logger.warn('redis error', { err }));
  await exitIfRefused('router', [kafkaCredentialProblem(kafka), redisCredentialProblem(redisTarget)]);
  const presence = createPresence({ redis, namespace: config.SWITCHBOARD_NAMESPACE });
  // A reconnecting subscriber cannot answer the INFO of ioredis's ready check.
  const subscriber = redis.duplicate({ enableReadyCheck: false });
  subscriber.on('error', (err) => logger.warn('redis error (presence changes)', { err }));
  const presenceView = createPresenceView({
    redis,
    subscriber,
    namespace: config.SWITCHBOARD_NAMESPACE,
    fallback: presence,
    onProblem: (message, err) => logger.warn(message, { err }),
  });
  metrics.gauge('router_presence_view_current', 'Whether presence is answered from memory (1) or read from Redis (0, while the view loads)', () => (presenceView.current() ? 1 : 0));
  const router = createRouter({
    kafka,
    codec: createCodec(loadFileCatalog()),
    presence: presenceView,
    namespace: config.SWITCHBOARD_NAMESPACE,
    logger,
    metrics,
    maxGroupSize: config.ROUTER_MAX_GROUP_SIZE,
    recentCapacity: config.ROUTER_RECENT_MESSAGES,
    fetchWaitMs: config.ROUTER_FETCH_WAIT_MS,
    fetchIntervalMs: config.ROUTER_FETCH_INTERVAL_MS,
    partitionsPerTransaction: config.ROUTER_PARTITIONS_PER_TRANSACTION,
    sessionTimeoutMs: config.ROUTER_SESSION_TIMEOUT_MS,
  });
  const kafkaProbe = createKafkaProbe({ brokers: config.KAFKA_BROKERS, clientId: config.ROUTER_INSTANCE_ID, security: kafkaSecurityOptions });
  const ready = () => {
    const own = router.readiness();
    if (!own.ready) return own;
    const kafkaProblem = kafkaProbe.problem();
    if (kafkaProblem) return { ready: false, reason: kafkaProblem };
    if (redis.status !== 'ready') return { ready: false, reason: `redis is ${redis.status}` };
    return own;
  };
  const health = await startHealthServer({ port: config.ROUTER_HTTP_PORT, live: () => true, ready, metrics });
  kafkaProbe.start();
  onShutdownSignal(logger, async () => {
    await router.stop();
    await presenceView.stop();
    await kafkaProbe.stop();
    health.close();
    subscriber.disconnect();
    redis.disconnect();
  }, config.SHUTDOWN_GRACE_MS);
  // Until the view is loaded, presence is read from Redis; Redis being down must not hold the start.
  presenceView.start().catch((err: unknown) => logger.warn('presence view did not start', { err }));
  await router.start();
  logger.info('router started', { namespace: config.SWITCHBOARD_NAMESPACE, brokers: config.KAFKA_BROKERS, httpPort: config.ROUTER_HTTP_PORT });
}

main().catch((err: unknown) => {
  process.stderr.write(`router: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
