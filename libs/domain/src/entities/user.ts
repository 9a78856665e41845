import { defineEntity, p } from '@mikro-orm/core';
import { ValidationError, type FieldError } from '../errors.ts';
import { checkBio, checkDisplayName } from '../text-rules.ts';

const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    /** As registered (case kept). */
    username: p.string().length(30),
    /** Lower-cased username: the unique key, so `Alice` and `alice` cannot both exist. */
    usernameKey: p.string().length(30).unique('users_username_key_unique'),
    displayName: p.string().length(50).default(''),
    bio: p.string().length(160).default(''),
    /** Null for a user who signs in only through OpenID Connect providers. */
    passwordHash: p.text().hidden().nullable(),
    // Counter columns, kept exact by the use cases in the same transaction as each change.
    postsCount: p.integer().default(0),
    followersCount: p.integer().default(0),
    followingCount: p.integer().default(0),
    createdAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    passwordChangedAt: p
      .datetime(3)
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  indexes: [
    // People search: username and display-name prefixes (LIKE 'q%' on C-ordered operator classes), and suggestions.
    {
      name: 'users_username_key_prefix_idx',
      expression: 'create index "users_username_key_prefix_idx" on "users" ("username_key" text_pattern_ops)',
    },
    {
      name: 'users_display_name_prefix_idx',
      expression: 'create index "users_display_name_prefix_idx" on "users" (lower("display_name") text_pattern_ops)',
    },
    {
      name: 'users_followers_count_idx',
      expression: 'create index "users_followers_count_idx" on "users" ("followers_count" desc, "id")',
    },
  ],
  triggers: [
    // Tells the answer caches of every instance at commit whose profile, counters or name changed (answer-cache.ts);
    // after the commit for a post (microblog_notify: migration 20261207000000).
    {
      name: 'users_notify_change',
      timing: 'after',
      events: ['update', 'delete'],
      forEach: 'row',
      body: "perform microblog_notify('users_changed', coalesce(NEW.id, OLD.id)::text); RETURN NULL;",
    },
  ],
});

/** A registered user; the profile edits it accepts are checked here. */
export class User extends UserSchema.class {
  /** Applies a profile edit, checking each given field. */
  editProfile(changes: { displayName?: string | undefined; bio?: string | undefined }): void {
    const errors: FieldError[] = [];
    if (changes.displayName !== undefined) {
      const error = checkDisplayName(changes.displayName);
      if (error) errors.push(error);
    }
    if (changes.bio !== undefined) {
      const error = checkBio(changes.bio);
      if (error) errors.push(error);
    }
    if (errors.length > 0) throw new ValidationError(errors);
    if (changes.displayName !== undefined) this.displayName = changes.displayName.normalize('NFC');
    if (changes.bio !== undefined) this.bio = changes.bio.normalize('NFC');
  }
}
UserSchema.setClass(User);
export { UserSchema };
