import { defineEntity, p } from '@mikro-orm/core';
import { CHANGE_SEQ_TRIGGER_BODY } from '../change-order.ts';

const TimelineResetSchema = defineEntity({
  name: 'TimelineReset',
  tableName: 'timeline_resets',
  // Written by deleteAccount (one row per follower of the deleted account), read by timelineChanges.
  properties: {
    owner: p.bigint('string').primary().autoincrement(false).fieldName('owner_id'),
    /** Numbered in the delta-sync change order (change-order.ts) by the trigger, on insert and on every update. */
    changeSeq: p.bigint('string').nullable(),
  },
  triggers: [
    {
      name: 'timeline_resets_change_seq',
      timing: 'before',
      events: ['insert', 'update'],
      forEach: 'row',
      body: CHANGE_SEQ_TRIGGER_BODY,
    },
  ],
});

/**
 * The last change to a user's home timeline that delta sync cannot describe (posts of a followed account that was
 * deleted, which leave no rows behind): a sync token from before it is refused, and the app reloads its first page.
 */
export class TimelineReset extends TimelineResetSchema.class {}
TimelineResetSchema.setClass(TimelineReset);
export { TimelineResetSchema };
