import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const FollowQuotaSchema = defineEntity({
  name: 'FollowQuota',
  tableName: 'follow_quotas',
  properties: {
    user: () => p.oneToOne(User).ref().primary(),
    windowStartedAt: p.datetime(3),
    used: p.integer(),
  },
});

/** How many follows and unfollows a user made in the current quota window (see follow-quota.ts). */
export class FollowQuota extends FollowQuotaSchema.class {}
FollowQuotaSchema.setClass(FollowQuota);
export { FollowQuotaSchema };
