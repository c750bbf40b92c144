import { hostname } from 'node:os';
import type { GatewayTls } from './api/app';
import {
  ConfigError,
  bool,
  commonSpec,
  int,
  list,
  loadConfig,
  optionalFile,
  optionalStr,
  port,
  redisSpec,
  str,
  url,
  type ConfigOf,
} from '@switchboard/config';
import { AuthOptionsError, createTokenVerifier, type SupportedAlgorithm, type TokenVerifierOptions } from '@switchboard/auth';

export const GATEWAY_ID_PATTERN = /^[a-z0-9-]{1,100}$/;

/** `gw-<hostname>-<pid>`, reduced to the characters a gateway id may hold. */
export function defaultGatewayId(host: string = hostname(), pid: number = process.pid): string {
  const cleanHost = host.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'host';
  return `gw-${cleanHost}-${pid}`;
}

const MIB = 1024 * 1024;

/** Access token settings; checked together because they depend on each other. */
export const jwtSpec = {
  JWT_ALGORITHMS: list({
    description: 'Accepted access token algorithms: HS256 alone, or RS256 and/or ES256',
    default: ['HS256'],
    item: /^(HS256|RS256|ES256)$/,
    nonEmpty: true,
  }),
  JWT_SECRET: optionalStr({ description: 'HS256 shared secret, at least 32 bytes; required when HS256 is allowed', secret: true }),
  JWT_PUBLIC_KEY: optionalStr({ description: 'PEM public key for RS256/ES256 tokens (\\n escapes are accepted)' }),
  JWT_JWKS_URL: optionalStr({ description: 'JWKS URL for RS256/ES256 tokens (https, or http on localhost)' }),
  JWT_AUDIENCE: optionalStr({ description: 'Required token audience (aud)' }),
  JWT_ISSUER: optionalStr({ description: 'Required token issuer (iss)' }),
} as const;

export type JwtConfig = ConfigOf<typeof jwtSpec>;

export const gatewaySpec = {
  ...commonSpec,
  ...redisSpec,
  GATEWAY_PORT: port({ description: 'Port of the WebSocket endpoint (/v1) and of /healthz, /readyz, /metrics', default: 8080 }),
  GATEWAY_HOST: str({ description: 'Address the gateway listens on', default: '0.0.0.0' }),
  GATEWAY_TLS_CERT_FILE: optionalFile({ description: 'PEM certificate (chain) for wss:// and https:// on GATEWAY_PORT; set with GATEWAY_TLS_KEY_FILE. Unset: plain ws:// (TLS ended in front of the gateway)' }),
  GATEWAY_TLS_KEY_FILE: optionalFile({ description: 'PEM private key of GATEWAY_TLS_CERT_FILE' }),
  GATEWAY_ID: str({
    description: 'Name of this gateway in presence and on the deliveries topic; must be unique among running gateways',
    default: defaultGatewayId(),
    pattern: GATEWAY_ID_PATTERN,
  }),
  ...jwtSpec,
  GATEWAY_ALLOWED_ORIGINS: list({
    description: 'Origins allowed to open a WebSocket (scheme://host[:port]), comma-separated; empty allows any origin (development only)',
    default: [],
    // An origin is scheme, host and port only: an entry with a path or without a scheme would never match.
    item: /^https?:\/\/[A-Za-z0-9.\-[\]:]+\/?$/,
  }),
  GATEWAY_MAX_FRAME_BYTES: int({
    description: 'Largest client frame accepted, in bytes; a larger one closes the socket with 1009, and one over 4 times this is dropped by the transport (1006)',
    default: 65_536,
    min: 1_024,
    max: 16 * MIB,
  }),
  GATEWAY_IDLE_TIMEOUT_S: int({
    description: 'Seconds without any frame or pong from a client before it is closed with 4010 idle_timeout; a client quiet for half of it is pinged',
    default: 60,
    min: 8,
    max: 960,
  }),
  GATEWAY_MAX_BUFFERED_BYTES: int({
    description: 'Send buffer of one client beyond which it is disconnected as a slow consumer (close 4009)',
    default: MIB,
    min: 16 * 1024,
    max: 256 * MIB,
  }),
  GATEWAY_CLOSE_GRACE_MS: int({
    description: 'How long a closing socket may take to write what is queued for it before its close frame; a client that reads nothing by then is dropped (1006)',
    default: 5_000,
    min: 100,
    max: 60_000,
  }),
  GATEWAY_RATE_PER_SECOND: int({ description: 'Frames per second one connection may send on average', default: 50, min: 1, max: 100_000 }),
  GATEWAY_RATE_BURST: int({ description: 'Frames one connection may send in a burst', default: 100, min: 1, max: 1_000_000 }),
  GATEWAY_USER_RATE_PER_SECOND: int({
    description: "Frames per second all of one user's sessions may send together, across all gateways (token bucket in Redis; let through when Redis cannot answer)",
    default: 100,
    min: 1,
    max: 1_000_000,
  }),
  GATEWAY_USER_RATE_BURST: int({ description: "Frames all of one user's sessions may send together in a burst, across all gateways", default: 200, min: 1, max: 10_000_000 }),
  GATEWAY_MAX_SESSIONS_PER_USER: int({
    description: 'Open sessions one user may have across all gateways; one more is closed with 4008 too_many_sessions',
    default: 20,
    min: 1,
    max: 10_000,
  }),
  PERSISTER_URL: url({ description: 'Base URL of the persister API (history, sync, gap fill)', default: 'http://127.0.0.1:8090', protocols: ['http', 'https'] }),
  GATEWAY_REQUEST_TIMEOUT_MS: int({
    description: 'How long a request waits for its answer before the client is told to retry (error timeout)',
    default: 10_000,
    min: 100,
    max: 600_000,
  }),
  GATEWAY_RESUME_GRACE_MS: int({
    description: 'How long a new connection\'s live events wait for its first request, so that a sync sent first resumes without repeats; 0 pushes at once',
    default: 1_000,
    min: 0,
    max: 30_000,
  }),
  GATEWAY_GAP_HOLD_MS: int({
    description:
      "How long a conversation's live events wait while a gap before them is fetched from the persister; a gap still open then closes the session with 4011 resync_required, never pushing an event past it",
    default: 10_000,
    min: 100,
    max: 120_000,
  }),
  GATEWAY_FETCH_WAIT_MS: int({ description: 'Longest a fetch from the deliveries topic waits for new records (it returns as soon as one arrives)', default: 100, min: 0, max: 5_000 }),
  GATEWAY_FETCH_INTERVAL_MS: int({
    description:
      'Average time between fetches from the deliveries topic that a busy gateway is held to, so that one fetch carries what arrived meanwhile; up to 10 fetches in a row go at once, so a quiet gateway never waits. 0 never holds it',
    default: 8,
    min: 0,
    max: 1_000,
  }),
  GATEWAY_PUBLISH_INTERVAL_MS: int({
    description:
      'Average time between writes of commands to Kafka that a busy gateway is held to, so that one write carries what arrived meanwhile; up to 10 writes in a row go at once, so a quiet gateway never waits. 0 never holds it',
    default: 8,
    min: 0,
    max: 1_000,
  }),
  GATEWAY_STATIC_DIR: optionalStr({ description: 'Folder served at / (index.html) for the demo page; unset serves nothing' }),
  GATEWAY_DEV_TOKENS: bool({
    description:
      'Development only: GET /dev/token?user=NAME signs an HS256 token for any user with JWT_SECRET, so that the demo page can sign in. Anyone who reaches the gateway can then act as anyone; refused when NODE_ENV is production',
    default: false,
  }),
} as const;

export type GatewayConfig = ConfigOf<typeof gatewaySpec>;

/** Token verifier options from the JWT_* settings. */
export function verifierOptions(config: JwtConfig): TokenVerifierOptions {
  return {
    algorithms: config.JWT_ALGORITHMS as SupportedAlgorithm[],
    ...(config.JWT_SECRET !== undefined ? { secret: config.JWT_SECRET } : {}),
    ...(config.JWT_PUBLIC_KEY !== undefined ? { publicKey: config.JWT_PUBLIC_KEY.replace(/\\n/g, '\n') } : {}),
    ...(config.JWT_JWKS_URL !== undefined ? { jwks: { url: config.JWT_JWKS_URL } } : {}),
    ...(config.JWT_AUDIENCE !== undefined ? { audience: config.JWT_AUDIENCE } : {}),
    ...(config.JWT_ISSUER !== undefined ? { issuer: config.JWT_ISSUER } : {}),
  };
}

/** The verifier's option names, as the environment variables that set them. */
const AUTH_OPTION_VARIABLES: readonly [RegExp, string][] = [
  [/^secret\b/, 'JWT_SECRET'],
  [/^publicKey\b/, 'JWT_PUBLIC_KEY'],
  [/^jwks\.url\b/, 'JWT_JWKS_URL'],
  [/^audience\b/, 'JWT_AUDIENCE'],
  [/^issuer\b/, 'JWT_ISSUER'],
  [/^algorithms\b/, 'JWT_ALGORITHMS'],
];

function authProblemText(problem: string): string {
  for (const [pattern, variable] of AUTH_OPTION_VARIABLES) {
    if (pattern.test(problem)) return problem.replace(pattern, variable);
  }
  return `JWT_ALGORITHMS/JWT_SECRET/JWT_PUBLIC_KEY/JWT_JWKS_URL: ${problem}`;
}

/** Problems that involve several JWT_* variables together, each naming a variable. */
export function authConfigProblems(config: JwtConfig): string[] {
  const problems: string[] = [];
  if (config.JWT_ALGORITHMS.includes('HS256') && config.JWT_SECRET === undefined) {
    problems.push('JWT_SECRET is required when JWT_ALGORITHMS allows HS256');
    return problems;
  }
  try {
    createTokenVerifier(verifierOptions(config));
  } catch (err) {
    if (!(err instanceof AuthOptionsError)) throw err;
    problems.push(...err.problems.map(authProblemText));
  }
  return problems;
}

/**
 * Reads and checks the gateway's settings, reporting every problem at once (ConfigError), the
 * cross-variable JWT checks included.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems: string[] = [];
  let config: GatewayConfig | undefined;
  try {
    config = loadConfig(gatewaySpec, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const jwt = config ?? loadJwtConfigOrUndefined(env);
  if (jwt) problems.push(...authConfigProblems(jwt));
  if (config) problems.push(...devTokenProblems(config, env));
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return config;
}

/** GATEWAY_DEV_TOKENS signs with the HS256 secret, and never in production. */
export function devTokenProblems(config: GatewayConfig, env: NodeJS.ProcessEnv): string[] {
  if (!config.GATEWAY_DEV_TOKENS) return [];
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') problems.push('GATEWAY_DEV_TOKENS is for development only and must not be set when NODE_ENV is production');
  if (!config.JWT_ALGORITHMS.includes('HS256')) problems.push('GATEWAY_DEV_TOKENS signs HS256 tokens: JWT_ALGORITHMS must allow HS256');
  return problems;
}

function loadJwtConfigOrUndefined(env: NodeJS.ProcessEnv): JwtConfig | undefined {
  try {
    return loadConfig(jwtSpec, env);
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

/** What createGateway needs from the configuration, with names that say what each value is. */
export interface GatewaySettings {
  namespace: string;
  gatewayId: string;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  allowedOrigins: readonly string[];
  maxFrameBytes: number;
  idleTimeoutS: number;
  maxBufferedBytes: number;
  closeGraceMs: number;
  ratePerSecond: number;
  rateBurst: number;
  userRatePerSecond: number;
  userRateBurst: number;
  maxSessionsPerUser: number;
  requestTimeoutMs: number;
  resumeGraceMs: number;
  gapHoldMs: number;
  fetchWaitMs: number;
  fetchIntervalMs: number;
  publishIntervalMs: number;
  staticDir: string | undefined;
  /** The gateway's own TLS listener; undefined serves plain ws://. */
  tls: GatewayTls | undefined;
}

export function gatewaySettings(config: GatewayConfig): GatewaySettings {
  return {
    namespace: config.SWITCHBOARD_NAMESPACE,
    gatewayId: config.GATEWAY_ID,
    host: config.GATEWAY_HOST,
    port: config.GATEWAY_PORT,
    allowedOrigins: config.GATEWAY_ALLOWED_ORIGINS,
    maxFrameBytes: config.GATEWAY_MAX_FRAME_BYTES,
    idleTimeoutS: config.GATEWAY_IDLE_TIMEOUT_S,
    maxBufferedBytes: config.GATEWAY_MAX_BUFFERED_BYTES,
    closeGraceMs: config.GATEWAY_CLOSE_GRACE_MS,
    ratePerSecond: config.GATEWAY_RATE_PER_SECOND,
    rateBurst: config.GATEWAY_RATE_BURST,
    userRatePerSecond: config.GATEWAY_USER_RATE_PER_SECOND,
    userRateBurst: config.GATEWAY_USER_RATE_BURST,
    maxSessionsPerUser: config.GATEWAY_MAX_SESSIONS_PER_USER,
    requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
    resumeGraceMs: config.GATEWAY_RESUME_GRACE_MS,
    gapHoldMs: config.GATEWAY_GAP_HOLD_MS,
    fetchWaitMs: config.GATEWAY_FETCH_WAIT_MS,
    fetchIntervalMs: config.GATEWAY_FETCH_INTERVAL_MS,
    publishIntervalMs: config.GATEWAY_PUBLISH_INTERVAL_MS,
    staticDir: config.GATEWAY_STATIC_DIR,
    tls: gatewayTls(config),
  };
}

/** Both files or neither: a certificate needs its key. Throws ConfigError naming the one missing. */
export function gatewayTls(config: Pick<GatewayConfig, 'GATEWAY_TLS_CERT_FILE' | 'GATEWAY_TLS_KEY_FILE'>): GatewayTls | undefined {
  const { GATEWAY_TLS_CERT_FILE: certFile, GATEWAY_TLS_KEY_FILE: keyFile } = config;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined) throw new ConfigError(['GATEWAY_TLS_KEY_FILE is set without GATEWAY_TLS_CERT_FILE']);
  if (keyFile === undefined) throw new ConfigError(['GATEWAY_TLS_CERT_FILE is set without GATEWAY_TLS_KEY_FILE']);
  return { certFile, keyFile };
}
