import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const IdempotencyRecordSchema = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_records',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).ref(),
    key: p.string().length(255),
    /** SHA-256 of what makes two requests "the same" (method, route, body). */
    fingerprint: p.string().length(64),
    responseStatus: p.integer(),
    responseBody: p.json<unknown>(),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    expiresAt: p.datetime(3).index('idempotency_records_expires_idx'),
  },
  uniques: [{ name: 'idempotency_records_user_key_unique', properties: ['user', 'key'] }],
});

/** The stored answer to a request made with an Idempotency-Key, replayed to retries. */
export class IdempotencyRecord extends IdempotencyRecordSchema.class {}
IdempotencyRecordSchema.setClass(IdempotencyRecord);
export { IdempotencyRecordSchema };
