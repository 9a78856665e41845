import type { EntityManager } from '@mikro-orm/postgresql';
import { Mention } from './entities/mention.ts';
import type { Micropost } from './entities/micropost.ts';
import { User } from './entities/user.ts';
import { notifyMention, withdrawMentions } from './notifications.ts';
import { appendOutboxEvent } from './outbox.ts';
import { mentionedUsernameKeys } from './text-rules.ts';

/**
 * Makes an edited post's mention rows match its text, writes a notification (and queues its push) for each newly
 * mentioned user (never the author), and withdraws those of users no longer mentioned. Returns the mentioned usernames as registered.
 */
export async function syncMentions(
  em: EntityManager,
  post: Micropost,
  author: { id: string; username: string },
): Promise<string[]> {
  const keys = mentionedUsernameKeys(post.text);
  const users = keys.length ? await em.find(User, { usernameKey: { $in: keys } }) : [];
  const existing = await em.find(Mention, { micropost: post.id });
  const already = new Set(existing.map((m) => m.user.id));
  const wanted = new Set(users.map((u) => u.id));
  const dropped = existing.filter((mention) => !wanted.has(mention.user.id));
  for (const mention of dropped) em.remove(mention);
  await withdrawMentions(
    em,
    post.id,
    dropped.map((mention) => mention.user.id),
  );
  for (const user of users) {
    if (already.has(user.id)) continue;
    em.create(Mention, { micropost: post, user });
    if (user.id === author.id) continue;
    // The inbox row, and a push only for a new one (an edit that mentions someone again does not notify twice).
    // A new post writes the same rows and payload in post_micropost (src/sql/microposts.ts): keep them in step.
    const notificationId = await notifyMention(em, { recipientId: user.id, actorId: author.id, micropostId: post.id });
    if (notificationId !== null) {
      appendOutboxEvent(em, 'user.mentioned', {
        notificationId,
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
