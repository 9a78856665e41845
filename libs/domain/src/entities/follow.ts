import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const FollowSchema = defineEntity({
  name: 'Follow',
  tableName: 'follows',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    follower: () => p.manyToOne(User).ref(),
    followee: () => p.manyToOne(User).ref(),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  uniques: [{ name: 'follows_pair_unique', properties: ['follower', 'followee'] }],
  indexes: [
    {
      name: 'follows_followee_created_idx',
      expression:
        'create index "follows_followee_created_idx" on "follows" ("followee_id", "created_at" desc, "id" desc)',
    },
    {
      name: 'follows_follower_created_idx',
      expression:
        'create index "follows_follower_created_idx" on "follows" ("follower_id", "created_at" desc, "id" desc)',
    },
  ],
  checks: [{ name: 'follows_not_self', expression: 'follower_id <> followee_id' }],
});

/** One user following another (never themselves; at most once per pair). */
export class Follow extends FollowSchema.class {}
FollowSchema.setClass(Follow);
export { FollowSchema };
