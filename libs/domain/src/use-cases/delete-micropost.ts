import { LockMode } from '@mikro-orm/core';
import type { DomainContext } from '../database.ts';
import { Micropost } from '../entities/micropost.ts';
import { NotFound } from '../errors.ts';
import { removePostFromFeeds } from '../home-feed.ts';
import { withdrawMentions } from '../notifications.ts';
import { isId, run } from '../sql.ts';

/** Soft-deletes a post (author only): it leaves every timeline, and delta sync reports it as deleted. */
export async function deleteMicropost(
  ctx: DomainContext,
  input: { actorId: string; micropostId: string },
): Promise<void> {
  if (!isId(input.micropostId)) throw new NotFound('micropost');
  await ctx.em.transactional(async (em) => {
    const post = await em.findOne(Micropost, { id: input.micropostId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!post) throw new NotFound('micropost');
    post.delete(input.actorId);
    await em.flush();
    // Not delivered any further, nor merged into pages. Before the author's row is locked: a delivery under way holds
    // this row and waits for that one (deliver_pending_fan_out), so the other order could deadlock.
    await run(em, 'delete from pending_fan_outs where micropost_id = ?', [post.id]);
    await run(em, 'update users set posts_count = posts_count - 1 where id = ?', [post.author.id]);
    await removePostFromFeeds(em, { id: post.id, authorId: post.author.id, createdAt: post.createdAt });
    await withdrawMentions(em, post.id, 'all');
  });
}
