import { defineEntity, p } from '@mikro-orm/core';
import { CHANGE_SEQ_TRIGGER_BODY } from '../change-order.ts';
import { Forbidden, NotFound } from '../errors.ts';
import { normalizeMicropostText } from '../text-rules.ts';
import { User } from './user.ts';

const MicropostSchema = defineEntity({
  name: 'Micropost',
  tableName: 'microposts',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    author: () => p.manyToOne(User).ref(),
    text: p.text(),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    editedAt: p.datetime(3).nullable(),
    deletedAt: p.datetime(3).nullable(),
    // Full-text search document (English stemming), maintained by PostgreSQL itself.
    searchVector: p
      .type('tsvector')
      .columnType('tsvector')
      .generated("(to_tsvector('english', text)) stored")
      .lazy()
      .hidden()
      .nullable(),
    // Position of the last write in this database's change order (set by trigger): delta sync reads changes from it.
    changeSeq: p.bigint('string').lazy().hidden().nullable(),
  },
  indexes: [
    {
      name: 'microposts_author_created_idx',
      expression:
        'create index "microposts_author_created_idx" on "microposts" ("author_id", "created_at" desc, "id" desc) where "deleted_at" is null',
    },
    {
      name: 'microposts_created_idx',
      expression:
        'create index "microposts_created_idx" on "microposts" ("created_at" desc, "id" desc) where "deleted_at" is null',
    },
    {
      name: 'microposts_author_change_seq_idx',
      expression: 'create index "microposts_author_change_seq_idx" on "microposts" ("author_id", "change_seq")',
    },
    {
      name: 'microposts_search_idx',
      expression: 'create index "microposts_search_idx" on "microposts" using gin ("search_vector")',
    },
  ],
  triggers: [
    // See change-order.ts: the gate lock, then the number, then the number's own lock, all held until commit.
    {
      name: 'microposts_change_seq',
      timing: 'before',
      events: ['insert', 'update'],
      forEach: 'row',
      body: CHANGE_SEQ_TRIGGER_BODY,
    },
    // Tells listeners (the live timeline) at commit whose posts changed; after the commit for a post (microblog_notify:
    // migration 20261207000000).
    {
      name: 'microposts_notify_change',
      timing: 'after',
      events: ['insert', 'update'],
      forEach: 'row',
      body: "perform microblog_notify('micropost_changes', NEW.author_id::text); RETURN NULL;",
    },
  ],
});

/** A micropost; only its author may edit or delete it, and a deleted one is gone for everyone. */
export class Micropost extends MicropostSchema.class {
  /** Throws unless `actorId` wrote this post and it still exists. */
  assertAuthor(actorId: string): void {
    if (this.deletedAt) throw new NotFound('micropost');
    if (this.author.id !== actorId) throw new Forbidden('only the author may change this micropost');
  }

  /** Replaces the text (checked and normalized) and stamps the edit. */
  edit(actorId: string, text: string): void {
    this.assertAuthor(actorId);
    this.text = normalizeMicropostText(text);
    this.editedAt = new Date();
  }

  /** Soft-deletes: the row stays so delta sync can report the deletion. */
  delete(actorId: string): void {
    this.assertAuthor(actorId);
    this.deletedAt = new Date();
  }
}
MicropostSchema.setClass(Micropost);
export { MicropostSchema };
