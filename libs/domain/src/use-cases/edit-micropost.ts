import { LockMode } from '@mikro-orm/core';
import type { DomainContext } from '../database.ts';
import { Micropost } from '../entities/micropost.ts';
import { NotFound } from '../errors.ts';
import { syncMentions } from '../mentions.ts';
import { isId } from '../sql.ts';
import { toMicropostView, type MicropostView } from '../views.ts';

/** Replaces a post's text (author only), re-reading its mentions. */
export async function editMicropost(
  ctx: DomainContext,
  input: { actorId: string; micropostId: string; text: string },
): Promise<MicropostView> {
  if (!isId(input.micropostId)) throw new NotFound('micropost');
  return ctx.em.transactional(async (em) => {
    const post = await em.findOne(
      Micropost,
      { id: input.micropostId },
      { populate: ['author'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!post) throw new NotFound('micropost');
    post.edit(input.actorId, input.text);
    const author = post.author.getEntity();
    const mentions = await syncMentions(em, post, author);
    await em.flush();
    return toMicropostView(post, author, mentions);
  });
}
