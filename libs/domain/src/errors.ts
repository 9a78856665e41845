/** One field that broke a rule, as shown to the client. */
export type FieldError = { field: string; message: string };

/**
 * Every code a domain error carries. Each BFF maps all of them to an answer (a `Record<DomainErrorCode, …>`), so a
 * new code fails the type-check until every client says what it means.
 */
export type DomainErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'invalid_credentials'
  | 'unauthenticated'
  | 'invalid_grant'
  | 'bad_cursor'
  | 'idempotency_key_reused'
  | 'rate_limited'
  | 'unavailable'
  | 'identity_provider_unavailable'
  | 'identity_rejected';

/** Base of every error the domain throws on purpose: a stable code, never an HTTP status. */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  constructor(code: DomainErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input breaks a rule; `errors` names each field. */
export class ValidationError extends DomainError {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.errors = errors;
  }
  /** Shortcut for a single failing field. */
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

/** The thing asked for does not exist (or was deleted). */
export class NotFound extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** The request clashes with the current state (taken username, stale version, request in flight). */
export class Conflict extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** The actor may not do this to this thing. */
export class Forbidden extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** Username and password do not match a user (deliberately silent about which). */
export class InvalidCredentials extends DomainError {
  constructor() {
    super('invalid_credentials', 'username or password is incorrect');
  }
}

/** A session is missing, expired or revoked. */
export class Unauthenticated extends DomainError {
  constructor(message = 'session is not valid') {
    super('unauthenticated', message);
  }
}

/** A refresh token that cannot be exchanged (unknown, expired, revoked, or already used). */
export class InvalidGrant extends DomainError {
  /** Set when the token was a rotated one: its whole session was revoked as a precaution. */
  readonly reusedSessionId: string | null;
  constructor(reusedSessionId: string | null = null) {
    super('invalid_grant', 'refresh token is invalid, expired or revoked');
    this.reusedSessionId = reusedSessionId;
  }
}

/** A pagination cursor or sync token that was tampered with, is malformed, or belongs to another list. */
export class InvalidCursor extends DomainError {
  constructor(message = 'cursor is invalid') {
    super('bad_cursor', message);
  }
}

/** Same idempotency key as an earlier request, but a different request. */
export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super('idempotency_key_reused', 'this Idempotency-Key was already used for a different request');
  }
}

/** The database cannot be reached; the caller may retry later. */
export class Unavailable extends DomainError {
  constructor(message = 'the database is unavailable') {
    super('unavailable', message);
  }
}

/** The actor used up a quota; `retryAfterSeconds` says when the next attempt can succeed. */
export class QuotaExceeded extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An OpenID Connect provider cannot be reached (or answers with a server error); the caller may retry later. */
export class IdentityProviderUnavailable extends DomainError {
  constructor(message = 'the sign-in provider is not reachable') {
    super('identity_provider_unavailable', message);
  }
}

/** A provider's answer failed a check (state, code, nonce, audience, expiry, signature, ...): no one is signed in. */
export class IdentityRejected extends DomainError {
  constructor(message = "the sign-in provider's answer was not accepted") {
    super('identity_rejected', message);
  }
}
