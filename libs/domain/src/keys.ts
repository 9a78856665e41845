import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Keys derived from the one configured secret, one per purpose, so a value signed for one use is void for another.
 * KeyObjects, not Buffers: Node 24's createHmac tells a Buffer from a KeyObject by catching a thrown brand check,
 * which costs a stack trace per call (tens of microseconds deep in a request, against 2 for a KeyObject).
 */
export type DomainKeys = { readonly cursor: KeyObject; readonly refresh: KeyObject; readonly signupTicket: KeyObject };

/** Derives the per-purpose keys (HKDF-SHA256). */
export function deriveKeys(secret: string): DomainKeys {
  if (Buffer.byteLength(secret) < 32) throw new Error('the token secret must be at least 32 bytes');
  const derive = (info: string) => createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'microblog', info, 32)));
  return { cursor: derive('cursor'), refresh: derive('refresh-token'), signupTicket: derive('identity-signup-ticket') };
}

/** `payload.signature`, both base64url. */
export function sign(key: KeyObject, payload: string): string {
  const body = Buffer.from(payload).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The payload of a value made by `sign`, or null when it was altered or is malformed. */
export function verifySigned(key: KeyObject, value: string): string | null {
  const dot = value.indexOf('.');
  if (dot <= 0 || value.length > 1024) return null;
  const body = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', key).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return Buffer.from(body, 'base64url').toString();
}
