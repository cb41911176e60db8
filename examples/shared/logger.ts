/**
 * Structured logs with pino. The same logger serves the HTTP request logs and tickwork's `Logger` port
 * (pino's `logger.info(fields, message)` is exactly that port's shape).
 */
import { pino } from 'pino';
import type { Logger } from 'tickwork';
import type { ExampleConfig } from './config.js';

/** The pino logger the examples use. */
export type ExampleLogger = pino.Logger;

/** Creates the process logger: JSON lines on stdout, tokens and passwords redacted. */
export function createLogger(config: Pick<ExampleConfig, 'logLevel'>): ExampleLogger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}

/** The fields of one request log line, the same on both servers. */
export type RequestLogFields = {
  /** Request id. */
  reqId: string;
  /** HTTP method. */
  method: string;
  /** Path and query. */
  url: string;
  /** Answered status. */
  statusCode: number;
  /** Milliseconds from arrival to the last byte sent. */
  responseTime: number;
};

/** Logs one finished request at a level matching its status (5xx error, 4xx warn, else info). */
export function logRequest(logger: Pick<Logger, 'info' | 'warn' | 'error'>, fields: RequestLogFields): void {
  const level = fields.statusCode >= 500 ? 'error' : fields.statusCode >= 400 ? 'warn' : 'info';
  logger[level](fields, 'request completed');
}
