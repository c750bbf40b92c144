import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKafka } from '@switchboard/kafka';
import { ensureKafkaJars } from '@switchboard/stack';
import { freePort } from './ports';
import { ROOT } from './platform';
import { startRestartableServer, type RestartableServer } from './restartableServer';
import type { TestCertificates } from './testCertificates';

/** A single KRaft broker of the test's own whose only client listener is SASL_SSL (SCRAM and PLAIN). */
export interface SecureKafka extends RestartableServer {
  /** `127.0.0.1:<port>` of the SASL_SSL listener. */
  readonly brokers: string;
  /** A SCRAM-SHA-512 user the broker knows. */
  readonly user: { name: string; password: string };
}

export async function startSecureKafka(certs: TestCertificates, user = { name: 'switchboard', password: 'kafka-test-secret' }): Promise<SecureKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-kafka-tls-'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  let internalPort = await freePort();
  while (internalPort === port || internalPort === controllerPort) internalPort = await freePort();
  const { layout } = await ensureKafkaJars(process.env.SWITCHBOARD_CACHE_DIR ? resolve(process.env.SWITCHBOARD_CACHE_DIR) : join(ROOT, '.cache'));
  const properties = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j.properties');
  writeFileSync(log4j, 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n\n');
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      // Brokers talk to each other on a plaintext listener of their own; clients have only SASL_SSL.
      `listeners=SASL_SSL://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort}`,
      'listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=INTERNAL',
      'sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scram}`,
      `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${scram}`,
      `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${user.name}="${user.password}";`,
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${certs.keyAndCertFile}`,
      `log.dirs=${join(dir, 'data')}`,
      'num.network.threads=2',
      'num.io.threads=2',
      'num.partitions=1',
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=4',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'log.cleaner.dedupe.buffer.size=16777216',
      '',
    ].join('\n'),
  );
  const java = (main: string, args: string[], heap: string) => ['-Xmx' + heap, `-Dlog4j.configuration=file:${log4j}`, '-cp', layout.classPath, main, ...args];
  const clusterId = execFileSync('java', java('kafka.tools.StorageTool', ['random-uuid'], '128m')).toString().trim().split('\n').pop()!.trim();
  execFileSync(
    'java',
    java('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', properties, '--add-scram', `SCRAM-SHA-512=[name=${user.name},password=${user.password}]`, '--add-scram', `SCRAM-SHA-256=[name=${user.name},password=${user.password}]`], '128m'),
    { stdio: 'pipe' },
  );
  const brokers = `127.0.0.1:${port}`;
  const ca = readFileSync(certs.caFile, 'utf8');
  const server = await startRestartableServer({
    name: `SASL_SSL Kafka on port ${port}`,
    command: 'java',
    args: ['-Xms128m', ...java('kafka.Kafka', [properties], '384m')],
    answers: async () => {
      const admin = createKafka({
        brokers: [brokers],
        clientId: 'secure-kafka-probe',
        retries: 0,
        log: () => undefined,
        security: { ssl: { ca }, sasl: { mechanism: 'scram-sha-512', username: user.name, password: user.password } },
      }).admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return true;
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    readyTimeoutMs: 90_000,
    stopSignal: 'SIGKILL',
    dir,
  });
  return { brokers, user, ...server };
}
