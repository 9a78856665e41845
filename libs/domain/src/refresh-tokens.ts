import { createHash, randomBytes } from 'node:crypto';
import { sign, verifySigned, type DomainKeys } from './keys.ts';

/** A refresh token names its session and rotation; the signature makes it unforgeable, the nonce unguessable. */
export function issueRefreshToken(
  keys: DomainKeys,
  sessionId: string,
  rotation: number,
): { token: string; hash: string } {
  const token = sign(keys.refresh, `${sessionId}.${rotation}.${randomBytes(24).toString('base64url')}`);
  return { token, hash: hashRefreshToken(token) };
}

/** What a genuine refresh token says, or null for anything this server did not issue. */
export function readRefreshToken(keys: DomainKeys, token: string): { sessionId: string; rotation: number } | null {
  if (typeof token !== 'string' || token.length > 512) return null;
  const payload = verifySigned(keys.refresh, token);
  const match = payload ? /^([1-9][0-9]{0,18})\.([0-9]{1,9})\.[A-Za-z0-9_-]+$/.exec(payload) : null;
  if (!match) return null;
  return { sessionId: match[1] ?? '', rotation: Number(match[2]) };
}

/** What is stored: the SHA-256 of the token, never the token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
