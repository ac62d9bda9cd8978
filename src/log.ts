import type { Logger } from './core/ports';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Field names whose values are never written, whoever passes them: free text and secrets. */
const REDACTED = /^(note|text|reflection|token|secret|password|authorization|body)$/i;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (REDACTED.test(key)) out[key] = '[redacted]';
    else if (value instanceof Error)
      out[key] = { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
    else out[key] = value;
  }
  return out;
}

export interface StructuredLogger extends Logger {
  level: LogLevel;
  child(fields: Record<string, unknown>): StructuredLogger;
}

/** One JSON line per entry on stderr (stdout belongs to the terminal chat and the CLI). */
export function createLogger(
  level: LogLevel = 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): StructuredLogger {
  const emit = (at: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[logger.level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...base, ...redact(fields ?? {}) }));
  };
  const logger: StructuredLogger = {
    level,
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(logger.level, { ...base, ...fields }, write),
  };
  return logger;
}
