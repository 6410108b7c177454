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
    ? pino({ level: 'info', base: undefined, messageKey: 'msg', timestamp: pino.stdTimeFunctions.isoTime, name: undefined }, dest?.access ?? batchedStdout())
    : null;
  return { log, access };
}

/**
 * The access log's destination: one line per request written one `write(2)` each costs about
 * a fifth of the proxy's own CPU per request, so lines are collected up to 8 KB and written
 * together, and at least every 250 ms so a quiet server's log is not held back. Shutdown
 * flushes (`flushLogger`); a crash can lose the lines of the last 250 ms.
 */
function batchedStdout(): DestinationStream {
  const d = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024 });
  const timer = setInterval(() => {
    try {
      d.flush();
    } catch {
      /* not ready or closed */
    }
  }, 250);
  timer.unref();
  return d;
}

export function flushLogger(l: Logger | null): void {
  try {
    l?.flush();
  } catch {
    /* destination already closed */
  }
}
