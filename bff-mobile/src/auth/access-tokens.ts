// Access JWTs: HS256 with a key built once, issuer `microblog`, audience `bff-mobile`, 15 minutes, exp required.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ISSUER = 'microblog';
export const AUDIENCE = 'bff-mobile';

/** What a verified access token says: the user and the device session. */
export type AccessClaims = { userId: string; sessionId: string };

/** Signs access tokens with one secret key. */
export type AccessTokens = {
  readonly key: KeyObject;
  readonly ttlSeconds: number;
  sign(claims: AccessClaims): string;
};

/** The signer for a JWT secret. */
export function accessTokens(secret: string, ttlSeconds: number): AccessTokens {
  const key = createSecretKey(Buffer.from(secret));
  return {
    key,
    ttlSeconds,
    sign: ({ userId, sessionId }) =>
      jwt.sign({ sid: sessionId }, key, {
        algorithm: 'HS256',
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: userId,
        expiresIn: ttlSeconds,
      }),
  };
}
