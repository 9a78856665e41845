import { defineEntity, p } from '@mikro-orm/core';
import { Micropost } from './micropost.ts';
import { User } from './user.ts';

const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    recipient: () => p.manyToOne(User).ref().deleteRule('cascade'),
    /** `mention` (actor mentioned the recipient in micropost) or `follow` (actor followed the recipient). */
    kind: p.string().length(16),
    actor: () => p.manyToOne(User).ref().deleteRule('cascade'),
    micropost: () => p.manyToOne(Micropost).ref().nullable().deleteRule('cascade'),
    /** The UTC day of a follow notification: one per follower per recipient per day, whatever the churn. */
    followDay: p.date().nullable(),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  indexes: [
    {
      name: 'notifications_recipient_id_idx',
      expression: 'create index "notifications_recipient_id_idx" on "notifications" ("recipient_id", "id" desc)',
    },
    {
      name: 'notifications_micropost_idx',
      expression:
        'create index "notifications_micropost_idx" on "notifications" ("micropost_id") where "micropost_id" is not null',
    },
    {
      name: 'notifications_actor_idx',
      expression: 'create index "notifications_actor_idx" on "notifications" ("actor_id")',
    },
    {
      name: 'notifications_follow_day_unique',
      expression: `create unique index "notifications_follow_day_unique" on "notifications" ("recipient_id", "actor_id", "follow_day") where "kind" = 'follow'`,
    },
    {
      name: 'notifications_mention_unique',
      expression: `create unique index "notifications_mention_unique" on "notifications" ("recipient_id", "micropost_id") where "kind" = 'mention'`,
    },
  ],
  checks: [{ name: 'notifications_kind_check', expression: `kind in ('mention', 'follow')` }],
});

/** Something that happened to a user: the durable inbox that push notifications only announce. */
export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
export { NotificationSchema };
