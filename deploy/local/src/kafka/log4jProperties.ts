import { escapePropertyValue } from './serverProperties';

/**
 * reload4j configuration: the broker logs to one rolling file at INFO, with the chattiest
 * loggers (request, state change, cleaner) at WARN.
 */
export function renderLog4jProperties(logFile: string): string {
  const lines = [
    '# Written by the Switchboard local stack; rewritten on every start.',
    'log4j.rootLogger=INFO, broker',
    'log4j.appender.broker=org.apache.log4j.RollingFileAppender',
    `log4j.appender.broker.File=${escapePropertyValue(logFile)}`,
    'log4j.appender.broker.MaxFileSize=10MB',
    'log4j.appender.broker.MaxBackupIndex=2',
    'log4j.appender.broker.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.broker.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka=INFO',
    'log4j.logger.org.apache.kafka=INFO',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.kafka.network.RequestChannel$=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.log.LogCleaner=WARN',
    'log4j.logger.kafka.authorizer.logger=WARN',
    'log4j.logger.org.apache.kafka.storage.internals.log=WARN',
    'log4j.logger.kafka.log.LogManager=WARN',
  ];
  return `${lines.join('\n')}\n`;
}
