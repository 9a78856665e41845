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
  // Each statement that adds or removes lines counts them per owner (home_feed_sizes) and notifies the owners
  // (home_feed_changed), through one function written by migration 20261125170000.
  triggers: [
    {
      name: 'home_feed_added',
      timing: 'after',
      events: ['insert'],
      forEach: 'statement',
      expression:
        'create trigger "home_feed_added" after insert on "home_feed" referencing new table as changed for each statement execute function "home_feed_changed_fn"()',
    },
    {
      name: 'home_feed_removed',
      timing: 'after',
      events: ['delete'],
      forEach: 'statement',
      expression:
        'create trigger "home_feed_removed" after delete on "home_feed" referencing old table as changed for each statement execute function "home_feed_changed_fn"()',
    },
  ],
});

/**
 * One line of a user's materialized home timeline (fan-out on write): a live micropost of the owner or of
 * someone the owner follows. The primary key (owner, created_at, micropost) is the timeline's order.
 */
export class HomeFeedEntry extends HomeFeedEntrySchema.class {}
HomeFeedEntrySchema.setClass(HomeFeedEntry);
export { HomeFeedEntrySchema };
