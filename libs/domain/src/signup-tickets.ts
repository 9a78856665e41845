// The short-lived, signed ticket that carries a verified provider identity from "username needed" to the
// sign-up that picks one, so the provider is not asked twice and the client cannot change who signed in.
import type { VerifiedIdentity } from './identity-providers.ts';
import { InvalidCursor } from './errors.ts';
import type { DomainKeys } from './keys.ts';
import { sign, verifySigned } from './keys.ts';

/** How long a sign-up ticket is valid. */
export const SIGNUP_TICKET_TTL_MS = 10 * 60_000;

/** A ticket for this identity, valid for SIGNUP_TICKET_TTL_MS. */
export function issueSignupTicket(keys: DomainKeys, identity: VerifiedIdentity, now = Date.now()): string {
  return sign(keys.signupTicket, JSON.stringify({ ...identity, exp: now + SIGNUP_TICKET_TTL_MS }));
}

/** The identity a ticket carries; InvalidCursor (400) when it was altered, is malformed or expired. */
export function readSignupTicket(keys: DomainKeys, ticket: string, now = Date.now()): VerifiedIdentity {
  const payload = verifySigned(keys.signupTicket, ticket);
  const parsed = payload === null ? null : (JSON.parse(payload) as Partial<VerifiedIdentity> & { exp?: number });
  if (
    !parsed ||
    typeof parsed.exp !== 'number' ||
    parsed.exp < now ||
    typeof parsed.issuer !== 'string' ||
    typeof parsed.subject !== 'string' ||
    typeof parsed.providerId !== 'string'
  ) {
    throw new InvalidCursor('the sign-up ticket is invalid or expired; sign in with the provider again');
  }
  return {
    providerId: parsed.providerId,
    issuer: parsed.issuer,
    subject: parsed.subject,
    preferredUsername: parsed.preferredUsername ?? null,
    displayName: parsed.displayName ?? null,
  };
}
