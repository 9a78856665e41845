import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const TimelineMarkerSchema = defineEntity({
  name: 'TimelineMarker',
  tableName: 'timeline_markers',
  properties: {
    user: () => p.oneToOne(User).ref().primary(),
    lastReadId: p.bigint('string').nullable(),
    version: p.integer().default(0),
    updatedAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

/** How far a user has read their home timeline, shared by their devices. */
export class TimelineMarker extends TimelineMarkerSchema.class {}
TimelineMarkerSchema.setClass(TimelineMarker);
export { TimelineMarkerSchema };
