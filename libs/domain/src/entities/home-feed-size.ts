import { defineEntity, p } from '@mikro-orm/core';

const HomeFeedSizeSchema = defineEntity({
  name: 'HomeFeedSize',
  tableName: 'home_feed_sizes',
  // Kept by statement triggers on home_feed (migration 20261125170000), never written by the application.
  properties: {
    owner: p.bigint('string').primary().autoincrement(false).fieldName('owner_id'),
    /** How many lines `home_feed` holds for this owner: the total of the web's numbered timeline pages. */
    items: p.integer(),
  },
});

/** The size of one user's materialized home timeline, counted by the same statements that change it. */
export class HomeFeedSize extends HomeFeedSizeSchema.class {}
HomeFeedSizeSchema.setClass(HomeFeedSize);
export { HomeFeedSizeSchema };
