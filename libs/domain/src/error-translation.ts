import { channel } from 'node:diagnostics_channel';
import {
  ConnectionException,
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { Conflict, DomainError, NotFound, Unavailable } from './errors.ts';

// SQLSTATE classes and driver messages that mean "the database went away", not "the query was wrong".
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down)/i;

function isConnectionLoss(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e instanceof Error && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof ConnectionException) return true;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
    if (CONNECTION_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/**
 * Where a statement cancelled by `statement_timeout` (SQLSTATE 57014) is announced, so that a metrics module can
 * count it without the domain knowing about metrics. Subscribe with `diagnostics_channel.subscribe(name, …)`.
 */
export const STATEMENT_TIMEOUT_CHANNEL = 'microblog.domain.statement-timeout';
const statementTimeouts = channel(STATEMENT_TIMEOUT_CHANNEL);

function isStatementTimeout(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e instanceof Error && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if ((e as { code?: unknown }).code === '57014') return true;
  }
  return false;
}

/**
 * SQLSTATE raised by the database functions when they give up on something the client should just retry
 * (microblog_change_horizon, when writers keep it waiting): answered as Unavailable with the function's message.
 */
export const RETRY_LATER_SQLSTATE = 'MB503';

// The driver's own error (deepest in the chain) carries the function's message without the statement.
function retryLaterMessage(error: unknown): string | null {
  let message: string | null = null;
  for (
    let e: unknown = error, depth = 0;
    e instanceof Error && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if ((e as { code?: unknown }).code === RETRY_LATER_SQLSTATE) message = e.message;
  }
  return message;
}

/** Maps what the ORM and driver throw to domain errors; anything else (a bug) passes through unchanged. */
export function translateError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (error instanceof UniqueConstraintViolationException) {
    // The use cases check uniqueness first; reaching here means a concurrent request won the race.
    return /users_username_key_unique/.test(error.message)
      ? new Conflict('username is taken')
      : new Conflict('this already exists');
  }
  // A row written here points at one a concurrent request just deleted (an account deleted mid-follow).
  if (error instanceof ForeignKeyConstraintViolationException) return new NotFound('user');
  if (isConnectionLoss(error)) return new Unavailable();
  const retryLater = retryLaterMessage(error);
  if (retryLater !== null) return new Unavailable(retryLater);
  if (isStatementTimeout(error)) {
    // The database is overloaded or a lock is held too long: the client may retry later, like a lost connection.
    if (statementTimeouts.hasSubscribers) statementTimeouts.publish({ message: 'a database statement took too long' });
    return new Unavailable('a database statement took too long');
  }
  return error;
}

/** Wraps a use case so that it only ever rejects with domain errors (or genuine bugs). */
export function atTheEdge<F extends (...args: never[]) => Promise<unknown>>(useCase: F): F {
  const wrapped = async (...args: Parameters<F>) => {
    try {
      return await useCase(...args);
    } catch (error) {
      throw translateError(error);
    }
  };
  Object.defineProperty(wrapped, 'name', { value: useCase.name });
  return wrapped as unknown as F;
}
