/**
 * The gateway: holds clients' WebSockets, publishes their requests as commands, and pushes what
 * the router delivers back to them. `createGateway` wires it from injected collaborators; main.ts
 * reads the environment and calls it.
 *
 * @example
 * const gateway = createGateway({ settings, kafka, redis, presence, codec, verifier, history, logger, metrics });
 * await gateway.start(); // listens, then accepts WebSockets once the deliveries consumer joined
 * await gateway.stop(); // drains: closes sockets with 1001, flushes, releases presence
 */
import { Partitioners, type Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { us_listen_socket_close, us_socket_local_port, type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import type { Principal, TokenVerifier } from '@switchboard/auth';
import { createRoundPacer, topicNames, type KafkaProbe } from '@switchboard/kafka';
import type { Presence } from '@switchboard/presence';
import { MAX_BODY_LENGTH, PROTOCOL_VERSION } from '@switchboard/protocol';
import { encodeCommand, type Codec } from '@switchboard/schemas';
import { createHopTimer, stampNow, type Logger, type MetricsRegistry } from '@switchboard/telemetry';
import type { DevTokenIssuer } from './api/devTokens';
import { createApp } from './api/app';
import { registerHttpRoutes } from './api/httpRoutes';
import { createSessionAdmission } from './api/admission';
import { createUpgradeHandler, type SocketData } from './api/upgrade';
import { createWebSocketBehavior } from './api/websocket';
import type { GatewaySettings } from './config';
import { createDeliveriesConsumer } from './consumers/deliveries';
import { defaultSleep, GAP_PAGE_LIMIT, OrderedFeed, type ConversationFeed, type FeedEnvironment } from './internal/conversationFeed';
import { createDeliveryDispatcher } from './internal/dispatchDelivery';
import { createGatewayMetrics } from './internal/gatewayMetrics';
import { createRequestHandler } from './internal/handleRequest';
import { SendRound } from './internal/sendRound';
import { ClientSession, sessionEnvironment, type Session } from './internal/session';
import { createSessionRegistry } from './internal/sessionRegistry';
import { createSessionCounts } from './internal/sessionCounts';
import { ClockTokenBucket, TokenBucketPolicy } from './internal/tokenBucket';
import { createRedisUserRateLimit } from './internal/userRateLimit';
import { createCommandPublisher, kafkaCommandSender } from './producers/commands';
import type { HistoryClient } from './storage/historyClient';

export { gatewaySpec, gatewaySettings, loadGatewayConfig, verifierOptions } from './config';
export type { GatewayConfig, GatewaySettings } from './config';
export { createHistoryClient, HistoryError } from './storage/historyClient';
export type { HistoryClient } from './storage/historyClient';
export { createDevTokenIssuer } from './api/devTokens';
export type { DevTokenIssuer } from './api/devTokens';

/** The router only routes to gateways whose lease is alive; it is renewed well within its life. */
export const LEASE_TTL_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;
/** Longest one shutdown step may take; the steps together stay well within SHUTDOWN_GRACE_MS's default. */
export const STOP_STEP_TIMEOUT_MS = 3_000;
/** How long the persister may wait for the events of a gap to be projected. */
export const GAP_WAIT_MS = 3_000;
/** A per-user rate check Redis does not answer in this time lets the frame through. */
export const USER_RATE_TIMEOUT_MS = 250;
/** A presence request Redis does not answer in this time is answered `unavailable`. */
export const PRESENCE_TIMEOUT_MS = 2_000;

export interface GatewayDeps {
  settings: GatewaySettings;
  kafka: Kafka;
  /** Presence's connection; the gateway pings it for readiness and quits it on stop. */
  redis: Redis;
  presence: Presence;
  /** Whether Kafka answers, for readiness; started and stopped with the gateway. */
  kafkaProbe?: KafkaProbe;
  codec: Codec;
  verifier: TokenVerifier;
  history: HistoryClient;
  /** Development only (GATEWAY_DEV_TOKENS): serves GET /dev/token for the demo page. */
  devTokens?: DevTokenIssuer;
  logger: Logger;
  metrics: MetricsRegistry;
}

export interface Gateway {
  /** Listens (HTTP answers at once), then connects Redis, the producer and the deliveries consumer; WebSockets are accepted only after that. */
  start(): Promise<void>;
  /** Drains: stops accepting, closes every socket with 1001, releases presence, stops Kafka clients, quits Redis. */
  stop(): Promise<void>;
  readiness(): { ready: boolean; reason?: string };
  /** The port listened on (the real one when configured as 0); undefined before start. */
  readonly port: number | undefined;
}

type State = 'created' | 'starting' | 'running' | 'draining' | 'stopped';

export function createGateway(deps: GatewayDeps): Gateway {
  const { settings, presence, logger } = deps;
  const { gatewayId } = settings;
  const sessions = createSessionRegistry();
  const sendRound = new SendRound();
  const metrics = createGatewayMetrics(deps.metrics, () => sessions.size());
  const hops = createHopTimer(deps.metrics);
  // Retries stay bounded (kafkajs warns about it) so that a publish can fail and the client be told
  // `unavailable`; a retried send is deduplicated by the router through its client message id.
  const producer = deps.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const publisher = createCommandPublisher({
    sendBatch: kafkaCommandSender(producer, topicNames(settings.namespace).commands),
    encode: (command) => encodeCommand(deps.codec, command),
    pacer: createRoundPacer({ intervalMs: settings.publishIntervalMs }),
  });
  const deliveries = createDeliveriesConsumer({
    kafka: deps.kafka,
    namespace: settings.namespace,
    gatewayId,
    codec: deps.codec,
    fetchWaitMs: settings.fetchWaitMs,
    fetchIntervalMs: settings.fetchIntervalMs,
    logger: logger.child({ component: 'deliveries' }),
    onDelivery: createDeliveryDispatcher({ gatewayId, sessions, logger, hops, afterWrite: (fn) => sendRound.afterWrite(fn) }),
    // A fetched batch's frames to one session go out in one socket write (see sendRound.ts).
    inRound: (handleBatch) => sendRound.run(handleBatch),
  });
  const userRateLimit = createRedisUserRateLimit({
    redis: deps.redis,
    namespace: settings.namespace,
    ratePerSecond: settings.userRatePerSecond,
    burst: settings.userRateBurst,
    timeoutMs: USER_RATE_TIMEOUT_MS,
    onFailOpen: (reason) => {
      metrics.userRateFailOpen.inc();
      logger.debug('per-user rate limit not checked; frame let through', { reason });
    },
  });
  const handleRequest = createRequestHandler({
    gatewayId,
    publish: (command, receivedAt) =>
      publisher.publish(command, receivedAt).then(() => hops.observe('command_publish', receivedAt, stampNow())),
    history: deps.history,
    sessionCounts: createSessionCounts(presence, PRESENCE_TIMEOUT_MS),
    requestTimeoutMs: settings.requestTimeoutMs,
    logger,
  });

  let state: State = 'created';
  let producerConnected = false;
  let redisProblem: string | undefined = 'not checked yet';
  let leaseTimer: NodeJS.Timeout | undefined;
  let renewing = false;
  /** Set when the lease was found gone: Redis may have lost the sessions too, so they are registered again. */
  let reregister = false;
  let listenSocket: us_listen_socket | undefined;
  let port: number | undefined;
  const unregistering = new Set<Promise<void>>();

  // After Redis comes back, renew at once rather than at the next tick, so presence is whole again sooner.
  deps.redis.on('ready', () => {
    if (state === 'running') void renewLease();
  });
  producer.on(producer.events.CONNECT, () => void (producerConnected = true));
  producer.on(producer.events.DISCONNECT, () => void (producerConnected = false));

  function readiness(): { ready: boolean; reason?: string } {
    if (state === 'draining' || state === 'stopped') return { ready: false, reason: 'draining' };
    if (state !== 'running') return { ready: false, reason: 'starting' };
    const consumer = deliveries.readiness();
    if (!consumer.ready) return consumer;
    if (!producerConnected) return { ready: false, reason: 'the command producer is not connected' };
    const kafkaProblem = deps.kafkaProbe?.problem();
    if (kafkaProblem) return { ready: false, reason: kafkaProblem };
    if (deps.redis.status !== 'ready') return { ready: false, reason: `redis is ${deps.redis.status}` };
    if (redisProblem !== undefined) return { ready: false, reason: `redis does not answer: ${redisProblem}` };
    return { ready: true };
  }

  const accepting = () => state === 'running' && deliveries.readiness().ready && producerConnected;

  async function renewLease(): Promise<void> {
    if (renewing) return;
    renewing = true;
    try {
      if (!(await presence.renewGatewayLease(gatewayId, LEASE_TTL_MS)) && state === 'running') reregister = true;
      if (reregister) {
        const open = sessions.all().map((s) => ({ userId: s.userId, sessionId: s.id }));
        await presence.registerAll(open, gatewayId);
        reregister = false;
        logger.warn('the gateway lease was gone (lapsed, or lost by Redis); sessions registered again', { sessions: open.length });
      }
      redisProblem = undefined;
    } catch (err) {
      redisProblem = err instanceof Error ? err.message : String(err);
      logger.warn('renewing the gateway lease failed', { err });
    } finally {
      renewing = false;
    }
  }

  const feedEnv: FeedEnvironment<Session> = {
    fetchPage: (conversationId, userId, after, waitForSeq) =>
      deps.history.eventsAfter({
        conversationId,
        userId,
        after,
        limit: GAP_PAGE_LIMIT,
        ...(waitForSeq !== undefined ? { waitForSeq, waitMs: GAP_WAIT_MS } : {}),
      }),
    gapHoldMs: settings.gapHoldMs,
    onGapUnfilled: (session, gap) => {
      logger.warn('a gap could not be filled in time; the session is closed so that the client syncs', { sessionId: session.id, ...gap });
      metrics.gapsUnfilled.inc();
      session.close('resync_required');
    },
    onError: (session, conversationId, err) => logger.warn('conversation feed failed', { sessionId: session.id, conversationId, err }),
    now: Date.now,
    sleep: defaultSleep,
  };

  function createFeedFor(session: Session, conversationId: string): ConversationFeed {
    return new OrderedFeed(feedEnv, session, conversationId);
  }

  const sessionEnv = sessionEnvironment({
    maxBufferedBytes: settings.maxBufferedBytes,
    closeGraceMs: settings.closeGraceMs,
    resumeGraceMs: settings.resumeGraceMs,
    metrics,
    logger,
    createFeed: createFeedFor,
    round: sendRound,
  });
  const frameRate = new TokenBucketPolicy({ ratePerSecond: settings.ratePerSecond, burst: settings.rateBurst });

  function newSession(sessionId: string, principal: Principal): ClientSession {
    return new ClientSession(sessionEnv, sessionId, principal.userId, principal.expiresAt, new ClockTokenBucket(frameRate));
  }

  function opened(session: Session): void {
    sessions.add(session);
    session.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      sessionId: session.id,
      userId: session.userId,
      gatewayId,
      limits: { maxFrameBytes: settings.maxFrameBytes, maxBodyLength: MAX_BODY_LENGTH, messagesPerSecond: settings.ratePerSecond },
    });
  }

  function closed(session: Session, _code: number, admitted: Promise<unknown>): void {
    session.closed();
    sessions.remove(session);
    // A registration still in flight would otherwise land after the unregistration.
    const done: Promise<void> = admitted
      .then(() => presence.unregister(session.userId, session.id))
      .catch((err: unknown) => logger.warn('presence unregister failed', { sessionId: session.id, err }))
      .finally(() => unregistering.delete(done));
    unregistering.add(done);
  }

  const app: TemplatedApp = createApp(settings.tls);
  const scraped = {
    render: () => {
      metrics.framesOut.flush();
      return deps.metrics.render();
    },
  };
  registerHttpRoutes(app, { readiness, metrics: scraped, staticDir: settings.staticDir, devTokens: deps.devTokens, logger });
  app.ws<SocketData>(
    '/v1',
    createWebSocketBehavior({
      upgrade: createUpgradeHandler({
        allowedOrigins: settings.allowedOrigins,
        verifier: deps.verifier,
        accepting,
        newSession,
        metrics,
        logger,
      }),
      admit: createSessionAdmission({ gatewayId, presence, maxSessionsPerUser: settings.maxSessionsPerUser, accepting, metrics, logger }),
      maxFrameBytes: settings.maxFrameBytes,
      idleTimeoutS: settings.idleTimeoutS,
      maxBufferedBytes: settings.maxBufferedBytes,
      userRateLimit,
      opened,
      closed,
      handleRequest,
      metrics,
      logger,
    }),
  );

  function listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      app.listen(settings.host, settings.port, (socket) => {
        if (!socket) return reject(new Error(`cannot listen on ${settings.host}:${settings.port}`));
        listenSocket = socket;
        port = us_socket_local_port(socket as unknown as Parameters<typeof us_socket_local_port>[0]);
        resolve();
      });
    });
  }

  /** One shutdown step, bounded so that a dependency that is down cannot hold the whole shutdown. */
  async function step(name: string, work: () => Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up after ${STOP_STEP_TIMEOUT_MS} ms`)), STOP_STEP_TIMEOUT_MS);
    });
    try {
      await Promise.race([work(), timeout]);
    } catch (err) {
      logger.warn(`shutdown: ${name} failed`, { err });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async start() {
      if (state !== 'created') throw new Error(`the gateway cannot start when ${state}`);
      state = 'starting';
      await listen();
      logger.info('listening', { host: settings.host, port });
      deps.kafkaProbe?.start();
      await deps.redis.ping();
      // A previous process with this gateway id that died left its sessions registered; once the
      // lease below is taken again they would look alive.
      const forgotten = await presence.forgetGateway(gatewayId);
      if (forgotten > 0) logger.warn('removed sessions a previous process with this gateway id left registered', { sessions: forgotten });
      await renewLease();
      leaseTimer = setInterval(() => void renewLease(), LEASE_RENEW_MS);
      leaseTimer.unref();
      await producer.connect();
      await deliveries.start();
      if (state !== 'starting') return;
      state = 'running';
      logger.info('accepting WebSockets', { gatewayId, port, path: '/v1' });
    },

    async stop() {
      if (state === 'stopped' || state === 'draining') return;
      state = 'draining';
      if (listenSocket) {
        us_listen_socket_close(listenSocket);
        listenSocket = undefined;
      }
      if (leaseTimer) clearInterval(leaseTimer);
      userRateLimit.stop();
      for (const session of sessions.all()) {
        session.failAllPending('going_away', 'the gateway is shutting down; reconnect and retry');
        session.close('going_away');
      }
      await step('unregistering sessions', () => Promise.allSettled([...unregistering]));
      await step('releasing the gateway lease', () => presence.releaseGatewayLease(gatewayId));
      await step('stopping the deliveries consumer', () => deliveries.stop());
      await step('flushing commands', () => publisher.flush());
      await step('disconnecting the producer', () => producer.disconnect());
      await step('stopping the kafka probe', async () => deps.kafkaProbe?.stop());
      await step('quitting redis', () => deps.redis.quit().catch(() => deps.redis.disconnect()));
      // Drops idle keep-alive HTTP connections, so nothing keeps the process alive.
      (app as TemplatedApp & { close?: () => void }).close?.();
      state = 'stopped';
      logger.info('stopped', { gatewayId });
    },

    readiness,

    get port() {
      return port;
    },
  };
}
