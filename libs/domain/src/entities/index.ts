import { ExternalIdentitySchema } from './external-identity.ts';
import { FollowSchema } from './follow.ts';
import { FollowQuotaSchema } from './follow-quota.ts';
import { NotificationSchema } from './notification.ts';
import { NotificationMarkerSchema } from './notification-marker.ts';
import { HomeFeedEntrySchema } from './home-feed-entry.ts';
import { HomeFeedSizeSchema } from './home-feed-size.ts';
import { PendingFanOutSchema } from './pending-fan-out.ts';
import { IdempotencyRecordSchema } from './idempotency-record.ts';
import { MentionSchema } from './mention.ts';
import { MicropostSchema } from './micropost.ts';
import { OutboxEventSchema } from './outbox-event.ts';
import { PushTokenSchema } from './push-token.ts';
import { SessionSchema } from './session.ts';
import { TimelineMarkerSchema } from './timeline-marker.ts';
import { TimelineResetSchema } from './timeline-reset.ts';
import { UserSchema } from './user.ts';

/** Every entity the ORM maps. */
export const entities = [
  UserSchema,
  MicropostSchema,
  MentionSchema,
  FollowSchema,
  SessionSchema,
  IdempotencyRecordSchema,
  PushTokenSchema,
  OutboxEventSchema,
  TimelineMarkerSchema,
  TimelineResetSchema,
  HomeFeedEntrySchema,
  HomeFeedSizeSchema,
  PendingFanOutSchema,
  FollowQuotaSchema,
  NotificationSchema,
  NotificationMarkerSchema,
  ExternalIdentitySchema,
];

export { ExternalIdentity } from './external-identity.ts';
export { Follow } from './follow.ts';
export { FollowQuota } from './follow-quota.ts';
export { Notification } from './notification.ts';
export { NotificationMarker } from './notification-marker.ts';
export { HomeFeedEntry } from './home-feed-entry.ts';
export { HomeFeedSize } from './home-feed-size.ts';
export { PendingFanOut } from './pending-fan-out.ts';
export { IdempotencyRecord } from './idempotency-record.ts';
export { Mention } from './mention.ts';
export { Micropost } from './micropost.ts';
export { OutboxEvent } from './outbox-event.ts';
export { PushToken } from './push-token.ts';
export { Session } from './session.ts';
export { TimelineMarker } from './timeline-marker.ts';
export { TimelineReset } from './timeline-reset.ts';
export { User } from './user.ts';
