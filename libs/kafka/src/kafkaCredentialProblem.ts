import type { Kafka } from 'kafkajs';
import { credentialProblem } from '@switchboard/config';

/**
 * Connects once to say whether the brokers refuse this client for good: SASL credentials refused
 * or a certificate not trusted (see credentialProblem). Undefined when they let it in, and when
 * they cannot be reached, which the service rides out instead.
 */
export async function kafkaCredentialProblem(kafka: Kafka): Promise<string | undefined> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.describeCluster();
    return undefined;
  } catch (err) {
    return credentialProblem('Kafka', err, { credentials: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE', authorities: 'KAFKA_SSL_CA_FILE' });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
