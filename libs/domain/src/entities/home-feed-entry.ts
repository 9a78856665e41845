import { defineEntity, p } from '@mikro-orm/core';

const HomeFeedEntrySchema = defineEntity({
  name: 'HomeFeedEntry',
  tableName: 'home_feed',
  // Plain columns, no foreign keys: written in bulk on every post, read only through the primary key.
  properties: {
    /** Whose home timeline this line belongs to. */
    owner: p.bigint('string').primary().fieldName('owner_id'),
    createdAt: p.datetime(3).primary(),
    micropost: p.bigint('string').primary().fieldName('micropost_id'),
    author: p.bigint('string').fieldName('author_id'),
  },
});

/**
 * One line of a user's materialized home timeline (fan-out on write): a live micropost of the owner or of
 * someone the owner follows. The primary key (owner, created_at, micropost) is the timeline's order.
 */
export class HomeFeedEntry extends HomeFeedEntrySchema.class {}
HomeFeedEntrySchema.setClass(HomeFeedEntry);
export { HomeFeedEntrySchema };
