// One JSON line per event on stdout (errors on stderr), filtered by LOG_LEVEL.

/** A minimal structured logger. */
export type Logger = {
  debug(fields: Record<string, unknown>): void;
  info(fields: Record<string, unknown>): void;
  warn(fields: Record<string, unknown>): void;
  error(fields: Record<string, unknown>): void;
};

const RANK = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** A logger that writes JSON lines at `level` and above. */
export function createLogger(level: keyof typeof RANK): Logger {
  const write = (at: 'debug' | 'info' | 'warn' | 'error') => (fields: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: at, ...fields });
    if (at === 'error' || at === 'warn') process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
