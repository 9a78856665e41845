import { defineEntity, p } from '@mikro-orm/core';

const PendingFanOutSchema = defineEntity({
  name: 'PendingFanOut',
  tableName: 'pending_fan_outs',
  // Written by post_micropost, read and delivered by the database functions of migration 20261126130000.
  properties: {
    micropost: p.bigint('string').primary().autoincrement(false).fieldName('micropost_id'),
    author: p.bigint('string').fieldName('author_id'),
    /** The post's own created_at: its place in every timeline. */
    createdAt: p.datetime(3),
    /** How far delivery got, in the order of `follows_followee_created_idx` (null: not started). */
    deliveredToCreatedAt: p.datetime(3).nullable(),
    deliveredToFollowId: p.bigint('string').nullable(),
  },
  indexes: [
    {
      name: 'pending_fan_outs_author_idx',
      expression:
        'create index "pending_fan_outs_author_idx" on "pending_fan_outs" ("author_id", "created_at" desc, "micropost_id" desc)',
    },
  ],
});

/**
 * A post of an author with more followers than the request fans out to (`fanOutMaxFollowers`): it is in its author's
 * feed at once, reaches the followers' feeds through the fan-out worker, and until then is merged into their pages
 * when they are read.
 */
export class PendingFanOut extends PendingFanOutSchema.class {}
PendingFanOutSchema.setClass(PendingFanOut);
export { PendingFanOutSchema };
