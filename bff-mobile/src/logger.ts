// One JSON object per line on stdout: access lines, errors and security events.
import type { LogLevel } from './config.ts';

/** A structured log entry. */
export type LogEntry = { level: 'debug' | 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;
/** Where log entries go (injectable so tests can read them). */
export type Logger = (entry: LogEntry) => void;

const RANK = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** A logger writing JSON lines to stdout, dropping entries below `level`. */
export function jsonLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return (entry) => {
    if (RANK[entry.level] < RANK[level]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  };
}
