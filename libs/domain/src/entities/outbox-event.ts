import { defineEntity, p } from '@mikro-orm/core';

const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_events',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    /** What happened, e.g. `user.followed`, `user.mentioned`. */
    type: p.string().length(64),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    /** Not to be delivered before this time (retry backoff and claim leases move it). */
    availableAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    processedAt: p.datetime(3).nullable(),
  },
  indexes: [
    {
      name: 'outbox_events_pending_idx',
      expression:
        'create index "outbox_events_pending_idx" on "outbox_events" ("available_at", "id") where "processed_at" is null',
    },
  ],
});

/** Something that happened in a committed transaction and still has to be told to the outside world. */
export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);
export { OutboxEventSchema };
