import type { DomainContext } from '../database.ts';
import { Micropost } from '../entities/micropost.ts';
import { fanOutPost } from '../home-feed.ts';
import { syncMentions } from '../mentions.ts';
import { run } from '../sql.ts';
import { normalizeMicropostText } from '../text-rules.ts';
import { toMicropostView, type MicropostView } from '../views.ts';
import { loadUserById } from './find-user.ts';

/**
 * Publishes a micropost: the post, its mentions, the author's post count, its line in every follower's home feed
 * and the notifications commit together.
 */
export async function postMicropost(ctx: DomainContext, input: { authorId: string; text: string }): Promise<MicropostView> {
  const text = normalizeMicropostText(input.text);
  return ctx.em.transactional(async (em) => {
    const author = await loadUserById(em, input.authorId);
    const post = em.create(Micropost, { author, text });
    await em.flush();
    // The counter update also locks the author's row: see home-feed.ts.
    await run(em, 'update users set posts_count = posts_count + 1 where id = ?', [author.id]);
    await fanOutPost(em, { id: post.id, authorId: author.id, createdAt: post.createdAt });
    const mentions = await syncMentions(em, post, author, { isNew: true });
    await em.flush();
    return toMicropostView(post, author, mentions);
  });
}
