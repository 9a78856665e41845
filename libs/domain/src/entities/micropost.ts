import { defineEntity, p } from '@mikro-orm/core';
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
    createdAt: p.datetime(3).defaultRaw('now()').onCreate(() => new Date()),
    editedAt: p.datetime(3).nullable(),
    deletedAt: p.datetime(3).nullable(),
    // Full-text search document, maintained by PostgreSQL itself.
    searchVector: p
      .type('tsvector')
      .columnType('tsvector')
      .generated("(to_tsvector('simple', text)) stored")
      .lazy()
      .hidden()
      .nullable(),
    // Transaction id of the last write (set by trigger): delta sync reads changes from it.
    changeXid: p.string().columnType('xid8').defaultRaw('pg_current_xact_id()').lazy().hidden().nullable(),
  },
  indexes: [
    { name: 'microposts_author_created_idx', expression: 'create index "microposts_author_created_idx" on "microposts" ("author_id", "created_at" desc, "id" desc) where "deleted_at" is null' },
    { name: 'microposts_created_idx', expression: 'create index "microposts_created_idx" on "microposts" ("created_at" desc, "id" desc) where "deleted_at" is null' },
    { name: 'microposts_author_change_idx', expression: 'create index "microposts_author_change_idx" on "microposts" ("author_id", "change_xid", "id")' },
    { name: 'microposts_search_idx', expression: 'create index "microposts_search_idx" on "microposts" using gin ("search_vector")' },
  ],
  triggers: [
    {
      name: 'microposts_change_xid',
      timing: 'before',
      events: ['insert', 'update'],
      forEach: 'row',
      body: 'NEW.change_xid := pg_current_xact_id(); RETURN NEW;',
    },
    // Tells listeners (the live timeline) at commit whose posts changed.
    {
      name: 'microposts_notify_change',
      timing: 'after',
      events: ['insert', 'update'],
      forEach: 'row',
      body: "perform pg_notify('micropost_changes', NEW.author_id::text); RETURN NULL;",
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
