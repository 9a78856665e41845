import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const NotificationMarkerSchema = defineEntity({
  name: 'NotificationMarker',
  tableName: 'notification_markers',
  properties: {
    user: () => p.oneToOne(User).ref().primary().deleteRule('cascade'),
    lastReadId: p.bigint('string'),
    updatedAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

/** How far a user has read their notifications: everything with an id up to lastReadId is read. */
export class NotificationMarker extends NotificationMarkerSchema.class {}
NotificationMarkerSchema.setClass(NotificationMarker);
export { NotificationMarkerSchema };
