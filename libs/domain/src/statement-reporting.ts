// `openDatabase({ onQuery })`: every statement the database handle sends to PostgreSQL, as PostgreSQL received it,
// with what it answered. For tools that must see the SQL a use case sends (the benchmark's SQL ceiling replays it;
// a test could count round trips). Not for production logging: MikroORM inlines parameters, so the text holds the
// values written (password hashes, token hashes).
//
// How: node-postgres' pool takes the client class it creates connections with (the documented `Client` option of
// pg-pool; MikroORM passes `driverOptions` on to the pool). The class given here is pg's own `Client`, reporting each
// finished text query. Nothing of pg or MikroORM is patched.
import { Client } from 'pg';

/** One statement as PostgreSQL received it, and its answer. */
export type SentStatement = {
  /** The text sent (MikroORM inlines parameters, so usually literal SQL). */
  sql: string;
  /** Parameters sent separately (`$1`, ...), if any. */
  values: unknown[];
  /** The rows it returned (`insert ... returning` included); empty when it failed. */
  rows: Record<string, unknown>[];
  /** The error PostgreSQL answered with, or null. */
  error: Error | null;
  /** From sending to the answer, in milliseconds (waiting behind an earlier statement on the connection included). */
  ms: number;
};

/** Called once per finished statement, in the order each connection's answers arrive. */
export type StatementListener = (statement: SentStatement) => void;

type QueryConfigLike = { text?: unknown; values?: unknown };

function statementText(first: unknown): string | null {
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && typeof (first as QueryConfigLike).text === 'string') {
    // A cursor or another submittable streams its rows elsewhere: only plain query configs are reported.
    return typeof (first as { submit?: unknown }).submit === 'function'
      ? null
      : ((first as QueryConfigLike).text as string);
  }
  return null;
}

/** A pg `Client` class that reports each finished statement to `listener`. */
export function reportingClient(listener: StatementListener): typeof Client {
  return class ReportingClient extends Client {
    override query(...args: unknown[]): never {
      const sql = statementText(args[0]);
      const first = args[0] as QueryConfigLike;
      const values =
        sql === null
          ? []
          : Array.isArray(args[1])
            ? [...(args[1] as unknown[])]
            : Array.isArray(first.values)
              ? [...(first.values as unknown[])]
              : [];
      const started = performance.now();
      const report = (rows: Record<string, unknown>[], error: Error | null) => {
        try {
          listener({ sql: sql ?? '', values, rows, error, ms: performance.now() - started });
        } catch {
          // A listener's own failure must not change what the caller sees.
        }
      };
      // Callback style (pg's Pool.query calls its client so): the answer is reported before the callback runs.
      const last = args.length - 1;
      const callback = args[last];
      if (sql !== null && last > 0 && typeof callback === 'function') {
        args[last] = (error: unknown, answer: { rows?: Record<string, unknown>[] } | undefined) => {
          if (error) report([], error instanceof Error ? error : new Error(String(error)));
          else report(answer?.rows ?? [], null);
          Reflect.apply(callback, undefined, [error, answer]);
        };
      }
      const result: unknown = Reflect.apply(super.query, this, args);
      if (sql === null || !(result instanceof Promise)) return result as never;
      result.then(
        (answer: { rows?: Record<string, unknown>[] }) => report(answer.rows ?? [], null),
        (error: unknown) => report([], error instanceof Error ? error : new Error(String(error))),
      );
      return result as never;
    }
  };
}
