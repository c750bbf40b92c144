/**
 * Recognises, in an error a client raised while connecting, the refusals that a retry cannot cure
 * (credentials refused, a certificate not trusted) and says which settings to fix. Anything else,
 * an unreachable server say, is for the service to ride out, and gives undefined.
 */
export interface CredentialSettings {
  /** The settings that hold the credentials, e.g. "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE". */
  credentials: string;
  /** The setting that names the trusted authorities, e.g. "KAFKA_SSL_CA_FILE". */
  authorities: string;
}

const AUTHENTICATION = /(SASL|authentication failed|WRONGPASS|NOAUTH|NOPERM|password authentication failed|invalid username-password)/i;
const AUTHENTICATION_CODES = new Set(['28P01', '28000']);
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function credentialProblem(server: string, err: unknown, settings: CredentialSettings): string | undefined {
  for (const e of causes(err)) {
    const code = (e as { code?: unknown }).code;
    const name = (e as { name?: unknown }).name;
    const message = e instanceof Error ? e.message : String(e);
    if (typeof code === 'string' && UNTRUSTED_CERTIFICATE_CODES.has(code)) {
      return `${server}'s certificate is not trusted (${settings.authorities}): ${message}`;
    }
    if ((typeof code === 'string' && AUTHENTICATION_CODES.has(code)) || name === 'KafkaJSSASLAuthenticationError' || AUTHENTICATION.test(message)) {
      return `${server} refused the credentials of ${settings.credentials}: ${message}`;
    }
  }
  return undefined;
}

function* causes(err: unknown): Generator<unknown> {
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    yield current;
    const next = (current as { cause?: unknown; originalError?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
    if (next === current) return;
    current = next;
  }
}
