import type { EntityManager } from '@mikro-orm/postgresql';
import { Mention } from './entities/mention.ts';
import type { Micropost } from './entities/micropost.ts';
import { User } from './entities/user.ts';
import { appendOutboxEvent } from './outbox.ts';
import { mentionedUsernameKeys } from './text-rules.ts';

/**
 * Makes the post's mention rows match its text and queues a notification for each newly mentioned user
 * (never the author). Returns the mentioned usernames as registered.
 */
export async function syncMentions(
  em: EntityManager,
  post: Micropost,
  author: { id: string; username: string },
  options: { isNew?: boolean } = {},
): Promise<string[]> {
  const keys = mentionedUsernameKeys(post.text);
  const users = keys.length ? await em.find(User, { usernameKey: { $in: keys } }) : [];
  const existing = options.isNew ? [] : await em.find(Mention, { micropost: post.id });
  const already = new Set(existing.map((m) => m.user.id));
  const wanted = new Set(users.map((u) => u.id));
  for (const mention of existing) if (!wanted.has(mention.user.id)) em.remove(mention);
  for (const user of users) {
    if (already.has(user.id)) continue;
    em.create(Mention, { micropost: post, user });
    if (user.id !== author.id) {
      appendOutboxEvent(em, 'user.mentioned', {
        micropostId: post.id,
        authorId: author.id,
        authorUsername: author.username,
        mentionedUserId: user.id,
        excerpt: [...post.text].slice(0, 120).join(''),
      });
    }
  }
  const byKey = new Map(users.map((u) => [u.usernameKey, u.username]));
  return keys.flatMap((k) => byKey.get(k) ?? []);
}
