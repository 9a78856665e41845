import { defineEntity, p } from '@mikro-orm/core';
import { Micropost } from './micropost.ts';
import { User } from './user.ts';

const MentionSchema = defineEntity({
  name: 'Mention',
  tableName: 'mentions',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    micropost: () => p.manyToOne(Micropost).ref(),
    user: () => p.manyToOne(User).ref().index('mentions_user_idx'),
  },
  uniques: [{ name: 'mentions_post_user_unique', properties: ['micropost', 'user'] }],
});

/** A micropost naming an existing user with `@username`. */
export class Mention extends MentionSchema.class {}
MentionSchema.setClass(Mention);
export { MentionSchema };
