import type { DomainContext } from '../database.ts';
import { NotFound } from '../errors.ts';
import { MICROPOST_COLUMNS, toMicropostViews, type MicropostRow } from '../micropost-reads.ts';
import { isId, query } from '../sql.ts';
import type { MicropostView } from '../views.ts';

/** One live micropost with its author; NotFound for unknown or deleted ones. */
export async function getMicropost(ctx: DomainContext, input: { id: string }): Promise<MicropostView> {
  if (!isId(input.id)) throw new NotFound('micropost');
  const rows = await query<MicropostRow>(
    ctx.em,
    `select ${MICROPOST_COLUMNS} from microposts p join users u on u.id = p.author_id where p.id = ? and p.deleted_at is null`,
    [input.id],
  );
  const [view] = toMicropostViews(rows);
  if (!view) throw new NotFound('micropost');
  return view;
}
