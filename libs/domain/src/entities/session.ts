import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).ref(),
    /** `web`: a browser sign-in; `mobile`: one device of the app, with a refresh-token family. */
    kind: p.enum(['web', 'mobile'] as const),
    deviceId: p.string().length(128).nullable(),
    deviceName: p.string().length(100).nullable(),
    platform: p.string().length(16).nullable(),
    /** SHA-256 of the current refresh token (mobile only); never the token itself. */
    refreshTokenHash: p.string().length(64).nullable().hidden(),
    /** How many times the refresh token was rotated; part of every token of the family. */
    rotation: p.integer().default(0),
    rotatedAt: p.datetime(3).nullable(),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    lastUsedAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    expiresAt: p.datetime(3),
    revokedAt: p.datetime(3).nullable(),
    revokedReason: p.string().length(32).nullable(),
    /** The primary's WAL position after the user's last write: reads wait for a replica to pass it (replica-reads.ts). */
    lastWriteLsn: p.string().columnType('pg_lsn').nullable(),
    /** The OpenID Connect provider (configured id) this session was signed in through, else null. */
    identityProvider: p.string().length(64).nullable(),
  },
  indexes: [{ name: 'sessions_user_idx', properties: ['user'] }],
  // A session revoked or deleted, by any statement, tells every instance's session cache at commit (the function is
  // written by migration 20261206210000; session-cache.ts).
  triggers: [
    {
      name: 'sessions_revoked',
      timing: 'after',
      events: ['update'],
      forEach: 'row',
      expression:
        'create trigger "sessions_revoked" after update on "sessions" for each row when (OLD.revoked_at is null and NEW.revoked_at is not null) execute function "sessions_notify_revoked_fn"()',
    },
    {
      name: 'sessions_deleted',
      timing: 'after',
      events: ['delete'],
      forEach: 'row',
      expression:
        'create trigger "sessions_deleted" after delete on "sessions" for each row execute function "sessions_notify_revoked_fn"()',
    },
  ],
});

/** A signed-in browser or app device; revoking it ends access on the next request. */
export class Session extends SessionSchema.class {
  /** Whether the session may still be used at `now`. */
  isActive(now: Date): boolean {
    return this.revokedAt === null && this.expiresAt.getTime() > now.getTime();
  }

  /** Ends the session for good; `reason` is kept for the audit trail. */
  revoke(reason: string, now = new Date()): void {
    if (this.revokedAt !== null) return;
    this.revokedAt = now;
    this.revokedReason = reason;
    this.refreshTokenHash = null;
  }
}
SessionSchema.setClass(Session);
export { SessionSchema };
