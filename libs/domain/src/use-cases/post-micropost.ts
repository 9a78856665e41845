import type { DomainContext } from '../database.ts';
import { Micropost } from '../entities/micropost.ts';
import { User } from '../entities/user.ts';
import { NotFound } from '../errors.ts';
import { fanOutPost } from '../home-feed.ts';
import { syncMentions } from '../mentions.ts';
import { isId, query } from '../sql.ts';
import { normalizeMicropostText } from '../text-rules.ts';
import { toMicropostView, type MicropostView } from '../views.ts';

/**
 * Publishes a micropost: the post, its mentions, the author's post count, its line in every follower's home feed
 * and the notifications commit together. Inside a caller's transaction (an idempotent request) it joins it.
 */
export async function postMicropost(
  ctx: DomainContext,
  input: { authorId: string; text: string },
): Promise<MicropostView> {
  const text = normalizeMicropostText(input.text);
  if (!isId(input.authorId)) throw new NotFound('user');
  return ctx.em.transactional(
    async (em) => {
      // One statement counts the post, locks the author's row (see home-feed.ts) and says who the author is.
      const [row] = await query<{ username: string; display_name: string }>(
        em,
        'update users set posts_count = posts_count + 1 where id = ? returning username, display_name',
        [input.authorId],
      );
      if (!row) throw new NotFound('user');
      const author = { id: input.authorId, username: row.username, displayName: row.display_name };
      const post = em.create(Micropost, { author: em.getReference(User, input.authorId), text });
      await em.flush();
      await fanOutPost(em, { id: post.id, authorId: author.id, createdAt: post.createdAt });
      const mentions = await syncMentions(em, post, author, { isNew: true });
      await em.flush();
      return toMicropostView(post, author, mentions);
    },
    { propagation: 'required' },
  );
}
