/**
 * pino loggers: the event/error log (stderr, level from config) and the access log (stdout,
 * one JSON line per request). Matched rules are written to the event log at `warn` with the
 * ModSecurity error-log line as message, as ModSecurity writes them to the web server's log.
 */
import pino from 'pino';
import type { Logger, DestinationStream } from 'pino';
import type { ProxyConfig } from './config.js';

export interface Loggers {
  log: Logger;
  access: Logger | null;
}

export function createLoggers(config: ProxyConfig, dest?: { log?: DestinationStream; access?: DestinationStream }): Loggers {
  const base = { pid: process.pid };
  const log = pino({ level: config.log.level, base, name: 'vpatch' }, dest?.log ?? pino.destination({ dest: 2, sync: false }));
  const access = config.log.access
    ? pino({ level: 'info', base: undefined, messageKey: 'msg', timestamp: pino.stdTimeFunctions.isoTime, name: undefined }, dest?.access ?? pino.destination({ dest: 1, sync: false }))
    : null;
  return { log, access };
}

export function flushLogger(l: Logger | null): void {
  try {
    l?.flush();
  } catch {
    /* destination already closed */
  }
}
